import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import {
  acknowledgeEscalationInputCheck,
  addPlanTaskInputCheck,
  closeCaseInputCheck,
  completeTaskInputCheck,
  extendDeadlineInputCheck,
  raiseAcuteThreatInputCheck,
  reassignTaskInputCheck,
  type InputCheck,
} from '../../domain/messageChecks';
import {
  acknowledgeEscalationInputSchema,
  addPlanTaskInputSchema,
  closeCaseInputSchema,
  completeTaskInputSchema,
  extendDeadlineInputSchema,
  raiseAcuteThreatInputSchema,
  reassignTaskInputSchema,
} from '../../domain/messageSchemas';

/**
 * The workflows' plain checks against the API's zod schemas: every sample, and every sample with
 * one value anywhere in it swapped for an odd one, must be accepted or refused by both alike, and
 * what is accepted must come out the same (trimmed, defaulted, keys in the same order), because
 * the workflows pass it on into their commands.
 */

const span = { amount: 2, unit: 'hours' };
const step = {
  title: 'Joint plan: housing',
  unitCode: 'housing-office',
  rationale: 'why',
  clock: { from: 'consent' },
  deadline: { kind: 'span', span },
  reminders: [{ atFraction: 0.5 }, { afterStart: span }, { beforeDue: span }, { atLocalTimeOnDueDay: '09:00' }],
  escalation: [{ after: { amount: 0, unit: 'seconds' }, target: 'unitSupervisor' }],
  repeatEscalationEvery: { amount: 1, unit: 'workingDays' },
  notifyOnOpen: ['unitHead'],
  outcomes: ['done', 'not-needed'],
  consent: {
    agency: 'housing',
    purpose: 'exit',
    waitDeadline: { kind: 'sameWorkingDay', cutoffLocalTime: '12:00', dueLocalTime: '16:00' },
    waitUnitCode: 'coordinators',
    waitEscalation: [{ after: span, target: 'unitHead' }],
    outcomesWhileWaiting: ['not-needed'],
  },
};
const { consent: _consent, clock: _clock, reminders: _reminders, ...bareStep } = step;

const pairs: Array<{ name: string; schema: z.ZodType; check: InputCheck<unknown>; samples: unknown[] }> = [
  {
    name: 'completeTask',
    schema: completeTaskInputSchema,
    check: completeTaskInputCheck,
    samples: [{ outcome: 'done', note: 'n', actor: ' staff-1 ' }, { actor: 'staff-1', outcome: 'done' }],
  },
  {
    name: 'extendDeadline',
    schema: extendDeadlineInputSchema,
    check: extendDeadlineInputCheck,
    samples: [{ newDueAt: '2026-12-24T10:00:00.000+01:00', justification: '  the family moved away  ', actor: 'staff-1' }],
  },
  {
    name: 'acknowledgeEscalation',
    schema: acknowledgeEscalationInputSchema,
    check: acknowledgeEscalationInputCheck,
    samples: [{ escalationId: 'VPC-2026-X.step:escalation:1', note: 'seen', actor: 'head-1' }, { escalationId: 'e', actor: 'head-1' }],
  },
  { name: 'reassignTask', schema: reassignTaskInputSchema, check: reassignTaskInputCheck, samples: [{ unitCode: 'soc-adults', actor: 'sup-1' }] },
  { name: 'closeCase', schema: closeCaseInputSchema, check: closeCaseInputCheck, samples: [{ reason: 'moved-away', actor: 'coordinator-1' }] },
  { name: 'raiseAcuteThreat', schema: raiseAcuteThreatInputSchema, check: raiseAcuteThreatInputCheck, samples: [{ reason: ' threats at school ', actor: 'staff-1' }] },
  {
    name: 'addPlanTask',
    schema: addPlanTaskInputSchema,
    check: addPlanTaskInputCheck,
    samples: [
      { step, actor: 'coordinator-1' },
      { actor: 'coordinator-1', step: bareStep },
      { step: { ...bareStep, legalBasis: 'LUL 6 §', clock: { from: 'statedDate', date: 'suspicionNotifiedAt' } }, actor: 'c' },
      { step: { ...bareStep, clock: { from: 'previousStep' } }, actor: 'c' },
      // Each cross-field rule broken once.
      { step: { ...step, legalBasis: 'LUL 6 §' }, actor: 'c' },
      { step: { ...step, outcomes: ['done'] }, actor: 'c' },
      { step: { ...bareStep, clock: { from: 'consent' } }, actor: 'c' },
    ],
  },
];

const long = (n: number) => 'x'.repeat(n);
const oddValues: unknown[] = [
  undefined, null, true, 0, -1, 0.5, 1, 2.5, Number.NaN, '', ' ', 'a', 'ab', 'abc', '  ab  ', 'A', '9a', 'a-', 'soc-adults', 'Soc-adults',
  long(9), ` ${long(9)} `, long(10), long(63), long(64), long(65), long(128), long(129), ` ${long(128)} `, long(200), long(201), long(2000), long(2001), long(4000), long(4001),
  '09:30', '9:30', '09:30:00', '23:59', '24:00', '25:99', '12:60', 'completed', 'bored', 'unitHead', 'months', 'years', 'suspicionNotifiedAt', 'span', 'consent',
  '2026-12-02T10:00:00Z', '2026-12-02T10:00:00.123+01:00', '2026-12-02T10:00Z', '2026-02-29T10:00:00Z', '2028-02-29T10:00:00Z', '2026-12-02T10:00:00',
  '2026-12-02 10:00:00Z', '2026-12-02T24:00:00Z', '2026-12-02T10:00:00+1:00', '2026-12-02t10:00:00z', '2026-11-31T10:00:00Z',
  [], [1], ['done'], ['unitHead', 'boss'], {}, { amount: 1, unit: 'hours' }, { amount: -1, unit: 'hours' }, { kind: 'span', span }, { kind: 'span' },
  { from: 'receipt' }, { from: 'statedDate' }, { atFraction: 1 }, { afterStart: span, beforeDue: span }, [{ after: span, target: 'unitHead' }],
];

/** Every path to a value in a sample, with the sample's value there. */
function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (value && typeof value === 'object') return [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return [at];
}
function withValue(sample: unknown, at: Array<string | number>, value: unknown): unknown {
  if (!at.length) return value;
  const copy = (Array.isArray(sample) ? [...sample] : { ...(sample as object) }) as Record<string | number, unknown>;
  copy[at[0]] = withValue(copy[at[0]], at.slice(1), value);
  return copy;
}
/** Swaps one value, adds an unknown key, or reverses an object's keys, at every path. */
function variants(sample: unknown): unknown[] {
  return paths(sample).flatMap((at) => {
    const here = at.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], sample);
    const more: unknown[] = oddValues.map((v) => withValue(sample, at, v));
    if (here && typeof here === 'object' && !Array.isArray(here)) {
      more.push(withValue(sample, at, { ...here, extra: 1 }), withValue(sample, at, Object.fromEntries(Object.entries(here).reverse())));
    }
    return more;
  });
}

// undefined shows in the comparison: a key zod keeps with an undefined value must be kept too.
const shown = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x === undefined ? '<undefined>' : x));

describe.each(pairs)('the workflows’ $name check', ({ schema, check, samples }) => {
  it('accepts and refuses what the zod schema does, and gives what it gives', () => {
    let accepted = 0;
    const differing: unknown[] = [];
    const inputs = [...samples, ...samples.flatMap(variants)];
    for (const input of inputs) {
      const expected = schema.safeParse(input);
      const actual = check(input);
      const zodSays = expected.success ? shown(expected.data) : 'refused';
      const checkSays = actual.ok ? shown(actual.value) : 'refused';
      if (checkSays !== zodSays) differing.push({ input: shown(input), zodSays, checkSays });
      if (actual.ok) accepted++;
    }
    expect(differing.slice(0, 3)).toEqual([]);
    // Both sides of the line are exercised.
    expect(accepted).toBeGreaterThan(samples.length);
    expect(inputs.length - accepted).toBeGreaterThan(10);
  });
});

it('a refusal names the fields and the problem, never the value', () => {
  const checked = extendDeadlineInputCheck({ newDueAt: 'tomorrow', justification: 'short', actor: 'staff-1', extra: 'x' });
  expect(checked).toEqual({
    ok: false,
    issues: [
      { path: ['newDueAt'], message: 'must be an ISO date and time with an offset' },
      { path: ['justification'], message: 'a written justification of at least 10 characters is required' },
      { path: ['extra'], message: 'is not a known field' },
    ],
  });
});

it('the workflow bundle holds no zod: each cached workflow would evaluate it afresh', () => {
  const bundle = readFileSync(process.env.SAMVERKAN_TEST_WORKFLOW_BUNDLE!, 'utf8');
  expect(bundle).not.toMatch(/node_modules\/zod\//);
  expect(bundle).not.toMatch(/"\.\/domain\/(messageSchemas|policy|routing)\.ts"/);
});
