import { concernCategories, urgencies, type RoutingRule, type RoutingTable } from '../domain/routing';
import { fieldForPath } from './policyForm';

/**
 * The routing table's new-version form as fields named by the table's paths: an existing rule by
 * `rules.<index in the active table>`, the one new rule by `ny`. What the form does not show (a
 * rule's description, order, case type and tracks, alsoForMinors) is carried over from the active
 * table, so a version published here differs from it only in what the admin changed.
 */

/** The prefix of the one new rule's fields. */
export const newRule = 'ny';
/** The conditions as the form shows them, in the order of the schema. */
export const conditionKeys = ['sourceAgency', 'ageMin', 'ageMax', 'category', 'district', 'suspectedOfCrime', 'urgency'] as const;
export type ConditionKey = (typeof conditionKeys)[number];
/** Conditions chosen from a list: several boxes of one name. */
export const listConditions: ReadonlySet<string> = new Set(['sourceAgency', 'category', 'urgency']);
export const conditionChoices = { category: concernCategories, urgency: urgencies } as const;

/** What kind of value a field holds, for its message when the API refuses it. */
export type RoutingFieldKind = 'version' | 'id' | 'caseType' | 'tracks' | 'codes' | 'age' | 'district' | 'suspected' | 'unit';

export const conditionName = (prefix: string, key: ConditionKey) => `${prefix}.when.${key}`;
export const unitName = (prefix: string, step: string) => `${prefix}.then.units.${step}`;
export const removeName = (prefix: string) => `${prefix}.remove`;
export const positionName = `${newRule}.position`;

/** A multi-valued field's value as the form keeps it between posts: one code a line. */
const joined = (codes: readonly string[] | undefined) => (codes ?? []).join('\n');
export const lines = (value: string | undefined) =>
  (value ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** A rule's fields as the active table has them (the form's first values). */
export function ruleValues(prefix: string, rule: RoutingRule): Record<string, string> {
  const w = rule.when;
  const values: Record<string, string> = {
    [conditionName(prefix, 'sourceAgency')]: joined(w.sourceAgency),
    [conditionName(prefix, 'ageMin')]: w.ageMin === undefined ? '' : String(w.ageMin),
    [conditionName(prefix, 'ageMax')]: w.ageMax === undefined ? '' : String(w.ageMax),
    [conditionName(prefix, 'category')]: joined(w.category),
    [conditionName(prefix, 'district')]: joined(w.district),
    [conditionName(prefix, 'suspectedOfCrime')]: w.suspectedOfCrime === undefined ? '' : String(w.suspectedOfCrime),
    [conditionName(prefix, 'urgency')]: joined(w.urgency),
  };
  for (const [step, unit] of Object.entries(rule.then.units)) values[unitName(prefix, step)] = unit;
  return values;
}

/** The form's first values: every rule as active, the new rule empty and placed before the last rule (the catch-all, when there is one). */
export function initialValues(active: RoutingTable): Record<string, string> {
  return {
    version: '',
    [positionName]: String(Math.max(active.rules.length - 1, 0)),
    ...Object.assign({}, ...active.rules.map((rule, i) => ruleValues(`rules.${i}`, rule))),
  };
}

/** Every field's name and kind, for placing a refusal (steps: the unit fields each existing rule shows). */
export function routingFieldKinds(active: RoutingTable, steps: (rule: RoutingRule) => string[]): Map<string, RoutingFieldKind> {
  const kinds = new Map<string, RoutingFieldKind>([['version', 'version']]);
  const conditions = (prefix: string) => {
    for (const key of conditionKeys) {
      kinds.set(conditionName(prefix, key), listConditions.has(key) ? 'codes' : key === 'district' ? 'district' : key === 'suspectedOfCrime' ? 'suspected' : 'age');
    }
  };
  active.rules.forEach((rule, i) => {
    conditions(`rules.${i}`);
    for (const step of steps(rule)) kinds.set(unitName(`rules.${i}`, step), 'unit');
  });
  kinds.set(`${newRule}.id`, 'id');
  kinds.set(`${newRule}.then.caseType`, 'caseType');
  kinds.set(`${newRule}.then.tracks`, 'tracks');
  conditions(newRule);
  return kinds;
}

type Form = Record<string, unknown>;
/** A posted field as text: several boxes of one name come as an array, kept one a line. */
function posted(form: Form, name: string): string {
  const v = form[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').map((x) => x.trim()).join('\n');
  return typeof v === 'string' ? v.trim() : '';
}

/** An age as typed: a whole number as a number, anything else as typed, so that the API's schema names it. */
const age = (text: string): unknown => (/^-?\d{1,6}$/.test(text) ? Number(text) : text);

function conditionsOf(values: Record<string, string>, prefix: string): Record<string, unknown> {
  const when: Record<string, unknown> = {};
  for (const key of conditionKeys) {
    const value = values[conditionName(prefix, key)] ?? '';
    // An empty field is no condition.
    if (value === '') continue;
    if (key === 'ageMin' || key === 'ageMax') when[key] = age(value);
    else if (key === 'suspectedOfCrime') when[key] = value === 'true' ? true : value === 'false' ? false : value;
    else when[key] = lines(value);
  }
  return when;
}

export interface AppliedRoutingForm {
  /** The table to publish (unchecked: the API's schema checks it). */
  table: unknown;
  /** What was typed, by field name, to refill the form. */
  values: Record<string, string>;
  /** For each rule of the table to publish, the prefix of its fields in the form. */
  origins: string[];
}

/** The posted form over the active table. */
export function applyRoutingForm(active: RoutingTable, form: Form, steps: (rule: RoutingRule) => string[]): AppliedRoutingForm {
  const values: Record<string, string> = { version: posted(form, 'version'), [positionName]: posted(form, positionName) };
  const rules: unknown[] = [];
  const origins: string[] = [];
  active.rules.forEach((rule, i) => {
    const prefix = `rules.${i}`;
    for (const key of conditionKeys) values[conditionName(prefix, key)] = posted(form, conditionName(prefix, key));
    // Boxes come in the form's order: the codes the rule had keep theirs, so an unchanged condition is published unchanged.
    for (const key of listConditions) {
      const had = (rule.when[key as ConditionKey] as string[] | undefined) ?? [];
      const ticked = lines(values[conditionName(prefix, key as ConditionKey)]);
      values[conditionName(prefix, key as ConditionKey)] = [...had.filter((c) => ticked.includes(c)), ...ticked.filter((c) => !had.includes(c))].join('\n');
    }
    const units: Record<string, string> = {};
    for (const step of steps(rule)) {
      const unit = posted(form, unitName(prefix, step));
      values[unitName(prefix, step)] = unit;
      // An empty choice: the step goes where the case type's policy sends it.
      if (unit) units[step] = unit;
    }
    if (posted(form, removeName(prefix)) === 'true') {
      values[removeName(prefix)] = 'true';
      return;
    }
    rules.push({ ...rule, when: conditionsOf(values, prefix), then: { ...rule.then, units } });
    origins.push(prefix);
  });
  for (const name of [`${newRule}.id`, `${newRule}.then.caseType`, `${newRule}.then.tracks`, ...conditionKeys.map((k) => conditionName(newRule, k))]) values[name] = posted(form, name);
  // A new rule once it has an id or a case type; its other fields alone are not one.
  if (values[`${newRule}.id`] || values[`${newRule}.then.caseType`]) {
    const added = {
      id: values[`${newRule}.id`],
      when: conditionsOf(values, newRule),
      then: { caseType: values[`${newRule}.then.caseType`], tracks: lines(values[`${newRule}.then.tracks`]), units: {} },
    };
    // Before the rule chosen (its index in the active table), or last.
    const before = Number(values[positionName]);
    const at = origins.findIndex((o) => Number(o.split('.')[1]) >= before);
    rules.splice(at < 0 ? rules.length : at, 0, added);
    origins.splice(at < 0 ? origins.length : at, 0, newRule);
  }
  return { table: { version: values.version, rules }, values, origins };
}

/** A path the API names in the published table (`rules.3.when.ageMin`), as the form's field that holds it. */
export function formFieldForPath(path: string, origins: readonly string[], names: readonly string[]): { name: string; exact: boolean } | undefined {
  const m = /^rules\.(\d+)(\..*)?$/.exec(path);
  const origin = m ? origins[Number(m[1])] : undefined;
  if (m && origin === undefined) return undefined;
  // Only the new rule's id is typed here: an existing rule's id refused (taken twice) is the new rule's.
  if (m && origin !== newRule && m[2] === '.id') return names.includes(`${newRule}.id`) ? { name: `${newRule}.id`, exact: true } : undefined;
  return fieldForPath(m ? `${origin}${m[2] ?? ''}` : path, names);
}
