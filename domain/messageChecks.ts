import { closeReasons } from './caseClosing';
import type {
  AcknowledgeEscalationInput,
  AddPlanTaskInput,
  CloseCaseInput,
  CompleteTaskInput,
  ExtendDeadlineInput,
  RaiseAcuteThreatInput,
  ReassignTaskInput,
} from './messages';
import { caseDateKeys, escalationTargets, localTimeMessage, localTimePattern, spanUnits } from './policyTerms';

/**
 * The update inputs' shapes as plain checks, for the workflows' validators: the same shapes as the
 * zod schemas (domain/messageSchemas.ts) without zod, because the SDK's reusable V8 context
 * evaluates every module of the workflow bundle once per cached workflow. Each check returns what
 * zod's parse would (strings trimmed, defaults filled, keys in schema order), so the workflows'
 * commands stay as they were; test/unit/messageChecks.test.ts holds the two to the same samples.
 */

/** One problem with an input: where and what, never the value (it may be personal data). */
export interface InputIssue {
  path: Array<string | number>;
  message: string;
}
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: InputIssue[] };
export type InputCheck<T> = (input: unknown) => Checked<T>;

type Path = Array<string | number>;
/** Reads a value, noting its problems; the result counts only when no problem was noted. */
type Reader = (value: unknown, path: Path, issues: InputIssue[]) => unknown;
interface Field {
  read: Reader;
  optional?: boolean;
  fallback?: () => unknown;
}

const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const problem = (issues: InputIssue[], path: Path, message: string): undefined => {
  issues.push({ path, message });
  return undefined;
};

interface StringRule {
  trim?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  minMessage?: string;
  patternMessage?: string;
}
const string =
  (rule: StringRule = {}): Reader =>
  (value, path, issues) => {
    if (typeof value !== 'string') return problem(issues, path, 'expected a string');
    const s = rule.trim ? value.trim() : value;
    if (rule.min !== undefined && s.length < rule.min) problem(issues, path, rule.minMessage ?? `must be at least ${rule.min} characters`);
    if (rule.max !== undefined && s.length > rule.max) problem(issues, path, `must be at most ${rule.max} characters`);
    if (rule.pattern && !rule.pattern.test(s)) problem(issues, path, rule.patternMessage ?? 'has the wrong format');
    return s;
  };

const number =
  (rule: { min?: number; gt?: number; lt?: number }): Reader =>
  (value, path, issues) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return problem(issues, path, 'expected a number');
    if (rule.min !== undefined && value < rule.min) problem(issues, path, `must be at least ${rule.min}`);
    if (rule.gt !== undefined && value <= rule.gt) problem(issues, path, `must be more than ${rule.gt}`);
    if (rule.lt !== undefined && value >= rule.lt) problem(issues, path, `must be less than ${rule.lt}`);
    return value;
  };

const oneOf =
  (values: readonly string[]): Reader =>
  (value, path, issues) =>
    typeof value === 'string' && values.includes(value) ? value : problem(issues, path, `must be one of: ${values.join(', ')}`);

const literal =
  (expected: string): Reader =>
  (value, path, issues) =>
    value === expected ? value : problem(issues, path, `must be "${expected}"`);

const array =
  (item: Reader, min = 0): Reader =>
  (value, path, issues) => {
    if (!Array.isArray(value)) return problem(issues, path, 'expected an array');
    const out = value.map((v, i) => item(v, [...path, i], issues));
    if (out.length < min) problem(issues, path, `must have at least ${min} items`);
    return out;
  };

const optional = (read: Reader): Field => ({ read, optional: true });

/** A strict object: unknown keys are refused; the output has the fields in this order, as zod's. */
const object =
  (fields: Record<string, Reader | Field>): Reader =>
  (value, path, issues) => {
    if (!isRecord(value)) return problem(issues, path, 'expected an object');
    const out: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(fields)) {
      const field = typeof spec === 'function' ? { read: spec } : spec;
      const v = value[key];
      if (v === undefined) {
        if (field.fallback) out[key] = field.fallback();
        else if (!field.optional) problem(issues, [...path, key], 'is required');
        else if (key in value) out[key] = undefined;
      } else out[key] = field.read(v, [...path, key], issues);
    }
    for (const key of Object.keys(value)) if (!own(fields, key)) problem(issues, [...path, key], 'is not a known field');
    return out;
  };

const discriminated =
  (key: string, options: Record<string, Reader>): Reader =>
  (value, path, issues) => {
    if (!isRecord(value)) return problem(issues, path, 'expected an object');
    const tag = value[key];
    if (typeof tag !== 'string' || !own(options, tag)) return problem(issues, [...path, key], `must be one of: ${Object.keys(options).join(', ')}`);
    return options[tag](value, path, issues);
  };

const union =
  (options: Reader[]): Reader =>
  (value, path, issues) => {
    for (const read of options) {
      const tried: InputIssue[] = [];
      const out = read(value, path, tried);
      if (!tried.length) return out;
    }
    return problem(issues, path, 'matches none of the allowed shapes');
  };

/** Rules across fields, checked once the fields themselves are sound. */
const refined =
  <S>(read: Reader, rules: Array<[(v: S) => unknown, string]>): Reader =>
  (value, path, issues) => {
    const before = issues.length;
    const out = read(value, path, issues) as S;
    if (issues.length === before) for (const [ok, message] of rules) if (!ok(out)) problem(issues, path, message);
    return out;
  };

const check =
  <T>(read: Reader): InputCheck<T> =>
  (input) => {
    const issues: InputIssue[] = [];
    const value = read(input, [], issues);
    return issues.length ? { ok: false, issues } : { ok: true, value: value as T };
  };

// ---- The shapes (each as its zod schema says) -----------------------------------------------

const actor = string({ trim: true, min: 1, max: 128 });
// zod's z.iso.datetime({ offset: true }): a calendar date, seconds required, Z or an offset.
const isoInstant = string({
  pattern:
    /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/,
  patternMessage: 'must be an ISO date and time with an offset',
});
const code = /^[a-z][a-z0-9-]{1,63}$/;
const localTime = string({ pattern: localTimePattern, patternMessage: localTimeMessage });
const outcomeCode = string({ pattern: /^[a-z][a-z0-9-]*$/ });

const span = object({ amount: number({ min: 0 }), unit: oneOf(spanUnits) });
const deadlineRule = discriminated('kind', {
  span: object({ kind: literal('span'), span }),
  sameWorkingDay: object({ kind: literal('sameWorkingDay'), cutoffLocalTime: localTime, dueLocalTime: localTime }),
});
const reminderRule = union([
  object({ atFraction: number({ gt: 0, lt: 1 }) }),
  object({ afterStart: span }),
  object({ beforeDue: span }),
  object({ atLocalTimeOnDueDay: localTime }),
]);
const escalationRule = object({ after: span, target: oneOf(escalationTargets) });
const clock = discriminated('from', {
  receipt: object({ from: literal('receipt') }),
  previousStep: object({ from: literal('previousStep') }),
  consent: object({ from: literal('consent') }),
  statedDate: object({ from: literal('statedDate'), date: oneOf(caseDateKeys) }),
  opening: object({ from: literal('opening') }),
});

interface StepShape {
  consent?: { outcomesWhileWaiting?: string[] };
  legalBasis?: string;
  outcomes: string[];
  clock?: { from: string };
}
const stepPolicy = refined<StepShape>(
  object({
    title: string({ min: 1 }),
    unitCode: string({ min: 1 }),
    rationale: optional(string()),
    clock: optional(clock),
    deadline: deadlineRule,
    reminders: { read: array(reminderRule), fallback: () => [] },
    escalation: array(escalationRule, 1),
    repeatEscalationEvery: optional(span),
    notifyOnOpen: optional(array(oneOf(escalationTargets))),
    outcomes: array(outcomeCode, 1),
    legalBasis: optional(string()),
    consent: optional(
      object({
        agency: string({ pattern: code }),
        purpose: string({ pattern: code }),
        waitDeadline: deadlineRule,
        waitUnitCode: optional(string({ min: 1 })),
        waitEscalation: optional(array(escalationRule, 1)),
        outcomesWhileWaiting: optional(array(outcomeCode)),
      }),
    ),
  }),
  [
    [(s) => !(s.consent && s.legalBasis), 'a step rests either on consent or on a legal basis, not both'],
    [(s) => (s.consent?.outcomesWhileWaiting ?? []).every((o) => s.outcomes.includes(o)), 'consent.outcomesWhileWaiting must be outcomes of the step'],
    [(s) => s.clock?.from !== 'consent' || s.consent, 'a clock from consent needs a consent gate'],
  ],
);

export const completeTaskInputCheck = check<CompleteTaskInput>(
  object({ outcome: string({ min: 1, max: 64 }), note: optional(string({ max: 4000 })), actor }),
);
export const extendDeadlineInputCheck = check<ExtendDeadlineInput>(
  object({
    newDueAt: isoInstant,
    justification: string({ trim: true, min: 10, max: 4000, minMessage: 'a written justification of at least 10 characters is required' }),
    actor,
  }),
);
export const acknowledgeEscalationInputCheck = check<AcknowledgeEscalationInput>(
  object({ escalationId: string({ min: 1, max: 200 }), note: optional(string({ max: 4000 })), actor }),
);
export const reassignTaskInputCheck = check<ReassignTaskInput>(
  object({ unitCode: string({ pattern: code, patternMessage: 'must be a unit code such as "soc-adults"' }), actor }),
);
export const closeCaseInputCheck = check<CloseCaseInput>(object({ reason: oneOf(closeReasons), actor }));
export const raiseAcuteThreatInputCheck = check<RaiseAcuteThreatInput>(object({ reason: string({ trim: true, min: 3, max: 2000 }), actor }));
export const addPlanTaskInputCheck = check<AddPlanTaskInput>(object({ step: stepPolicy, actor }));
