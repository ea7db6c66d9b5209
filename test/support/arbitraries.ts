import fc from 'fast-check';
import { z } from 'zod';

/**
 * Valid inputs for an operation, generated from its declared zod schema: the schema's JSON Schema
 * (what the OpenAPI document publishes) gives the shape, and the zod schema itself filters out
 * what the JSON Schema cannot say (refinements such as a personnummer's checksum). No maintained
 * zod-4 → fast-check library exists (zod-fast-check stops at zod 3 and fast-check 3).
 */

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

const instant = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

function stringArb(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === 'date-time') return instant;
  if (s.pattern) {
    return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity));
  }
  // Short, printable and not blank: enough for names, notes and narratives.
  return fc.string({ unit: 'grapheme-ascii', minLength: Math.max(s.minLength ?? 1, 1), maxLength: Math.min(s.maxLength ?? 40, 40) }).filter((v) => v.trim().length > 0);
}

function numberArb(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-6) : 0);
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-6) : 1000);
  return integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function objectArb(s: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  if (s.properties) {
    const required = new Set(s.required ?? []);
    const shape = Object.fromEntries(Object.entries(s.properties).map(([key, child]) => [key, fromJsonSchema(child)]));
    return fc.record(shape, { requiredKeys: Object.keys(shape).filter((k) => required.has(k)) });
  }
  if (typeof s.additionalProperties === 'object') {
    const key = s.propertyNames ? stringArb({ minLength: 1, ...s.propertyNames }) : fc.stringMatching(/^[a-z][a-zA-Z]{0,11}$/);
    return fc.dictionary(key, fromJsonSchema(s.additionalProperties), { maxKeys: 3 });
  }
  return fc.constant({});
}

/** An arbitrary for one JSON Schema (the subset zod's toJSONSchema writes for our schemas). */
export function fromJsonSchema(s: JsonSchema): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const options = s.anyOf ?? s.oneOf;
  if (options) return fc.oneof(...options.map(fromJsonSchema));
  if (s.allOf?.length === 1) return fromJsonSchema(s.allOf[0]);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      return stringArb(s);
    case 'integer':
      return numberArb(s, true);
    case 'number':
      return numberArb(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(s.items ? fromJsonSchema(s.items) : fc.constant(null), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'object':
      return objectArb(s);
    default:
      return fc.constant(null);
  }
}

const built = new WeakMap<z.ZodType, fc.Arbitrary<unknown>>();

/** Values the zod schema accepts as input, drawn from its JSON Schema (built once per schema). */
export function validInput<T extends z.ZodType>(schema: T): fc.Arbitrary<z.input<T>> {
  let arb = built.get(schema);
  if (!arb) {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    arb = fromJsonSchema(json).filter((value) => schema.safeParse(value).success);
    built.set(schema, arb);
  }
  return arb as fc.Arbitrary<z.input<T>>;
}
