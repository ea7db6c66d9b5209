// The new-version form of a policy: which parts of a version an admin edits in the browser, each
// field named by its path in the policy document (the path the API names in a refusal), and how
// a posted form becomes the document to publish. Everything the form does not show is carried
// over from the source version as it was read.
// A step's reminders and escalation rungs are rows: each shown one has a "remove" box, and one
// empty row per list adds one; a new row left empty is ignored.
import { escalationTargets, policyTextLanguage, type PolicyDocument, type ReminderRule, type Span, type StepPolicy, type TextLanguage } from '../domain/policy';

export type FieldKind = 'amount' | 'spanUnit' | 'time' | 'percent' | 'unit' | 'target' | 'text' | 'requiredText' | 'remove' | 'reminderKind';

/** The kinds of reminder a new row may add (domain/policy.ts reminderRuleSchema), by the key each is stored under. */
export const reminderKinds = ['beforeDue', 'afterStart', 'atFraction', 'atLocalTimeOnDueDay'] as const;
export type ReminderKind = (typeof reminderKinds)[number];

export interface PolicyField {
  /** The document path joined by dots, as the API's refusals name it: `steps.investigation.deadline.span.amount`. */
  name: string;
  path: Array<string | number>;
  kind: FieldKind;
  /** The source version's value as the form shows it (amounts with a decimal comma, fractions as percent). */
  value: string;
  /** A field of a new row or a remove box: not a value of the source, so never set by its path. */
  row?: boolean;
}

export type GroupKind = 'unit' | 'deadline' | 'sameDay' | 'afterStart' | 'beforeDue' | 'atFraction' | 'atTime' | 'rung' | 'newReminder' | 'newRung' | 'repeat' | 'rationale' | 'legalBasis' | 'interval';

export interface PolicyFieldGroup {
  kind: GroupKind;
  /** Which reminder or rung (0-based); which step an interval is for. */
  index?: number;
  key?: string;
  fields: PolicyField[];
}

export interface PolicyForm {
  /** The language of the source's texts; the new version keeps it (applyPolicyForm carries it over with the rest). */
  textLanguage: TextLanguage;
  steps: Array<{ key: string; groups: PolicyFieldGroup[] }>;
  intervals: PolicyFieldGroup[];
}

/** 1.5 as the form shows it: "1,5". */
const decimal = (n: number) => String(n).replace('.', ',');
const field = (path: Array<string | number>, kind: FieldKind, value: string): PolicyField => ({ name: path.join('.'), path, kind, value });
const spanFields = (path: Array<string | number>, span: Span) => [field([...path, 'amount'], 'amount', decimal(span.amount)), field([...path, 'unit'], 'spanUnit', span.unit)];

const rowField = (path: Array<string | number>, kind: FieldKind, value: string): PolicyField => ({ ...field(path, kind, value), row: true });
const removeField = (path: Array<string | number>) => rowField([...path, 'remove'], 'remove', '');

function reminderGroup(base: Array<string | number>, r: ReminderRule, index: number): PolicyFieldGroup {
  const path = [...base, index];
  const group = (kind: GroupKind, fields: PolicyField[]): PolicyFieldGroup => ({ kind, index, fields: [...fields, removeField(path)] });
  if ('afterStart' in r) return group('afterStart', spanFields([...path, 'afterStart'], r.afterStart));
  if ('beforeDue' in r) return group('beforeDue', spanFields([...path, 'beforeDue'], r.beforeDue));
  if ('atFraction' in r) return group('atFraction', [field([...path, 'atFraction'], 'percent', decimal(+(r.atFraction * 100).toFixed(4)))]);
  return group('atTime', [field([...path, 'atLocalTimeOnDueDay'], 'time', r.atLocalTimeOnDueDay)]);
}

/** The empty rows that add a reminder and a rung to a step. */
function newRowGroups(base: Array<string | number>): PolicyFieldGroup[] {
  const reminder = [...base, 'reminders', 'new'];
  const rung = [...base, 'escalation', 'new'];
  return [
    {
      kind: 'newReminder',
      fields: [rowField([...reminder, 'kind'], 'reminderKind', reminderKinds[0]), rowField([...reminder, 'amount'], 'amount', ''), rowField([...reminder, 'unit'], 'spanUnit', 'calendarDays'), rowField([...reminder, 'time'], 'time', '')],
    },
    { kind: 'newRung', fields: [rowField([...rung, 'after', 'amount'], 'amount', ''), rowField([...rung, 'after', 'unit'], 'spanUnit', 'calendarDays'), rowField([...rung, 'target'], 'target', escalationTargets[0])] },
  ];
}

function stepGroups(key: string, step: StepPolicy): PolicyFieldGroup[] {
  const base = ['steps', key];
  const groups: PolicyFieldGroup[] = [{ kind: 'unit', fields: [field([...base, 'unitCode'], 'unit', step.unitCode)] }];
  const d = step.deadline;
  groups.push(
    d.kind === 'span'
      ? { kind: 'deadline', fields: spanFields([...base, 'deadline', 'span'], d.span) }
      : { kind: 'sameDay', fields: [field([...base, 'deadline', 'cutoffLocalTime'], 'time', d.cutoffLocalTime), field([...base, 'deadline', 'dueLocalTime'], 'time', d.dueLocalTime)] },
  );
  (step.reminders ?? []).forEach((r, i) => groups.push(reminderGroup([...base, 'reminders'], r, i)));
  step.escalation.forEach((rung, i) =>
    groups.push({
      kind: 'rung',
      index: i,
      fields: [...spanFields([...base, 'escalation', i, 'after'], rung.after), field([...base, 'escalation', i, 'target'], 'target', rung.target), removeField([...base, 'escalation', i])],
    }),
  );
  const [newReminder, newRung] = newRowGroups(base);
  groups.splice(groups.findIndex((g) => g.kind === 'rung'), 0, newReminder);
  groups.push(newRung);
  if (step.repeatEscalationEvery) groups.push({ kind: 'repeat', fields: spanFields([...base, 'repeatEscalationEvery'], step.repeatEscalationEvery) });
  // A step with a legal basis keeps one (without it the task would need consent); the rationale may be cleared.
  if (step.legalBasis !== undefined) groups.push({ kind: 'legalBasis', fields: [field([...base, 'legalBasis'], 'requiredText', step.legalBasis)] });
  groups.push({ kind: 'rationale', fields: [field([...base, 'rationale'], 'text', step.rationale ?? '')] });
  return groups;
}

/** The form of a policy version: per step its unit, deadline, reminders, ladder and texts; the intervals of repeating steps. */
export function policyForm(doc: PolicyDocument): PolicyForm {
  return {
    textLanguage: policyTextLanguage(doc),
    steps: Object.entries(doc.steps).map(([key, step]) => ({ key, groups: stepGroups(key, step) })),
    intervals: Object.entries(doc.intervals ?? {}).map(([key, span]) => ({ kind: 'interval' as const, key, fields: spanFields(['intervals', key], span) })),
  };
}

export const formFields = (form: PolicyForm): PolicyField[] => [...form.steps.flatMap((s) => s.groups), ...form.intervals].flatMap((g) => g.fields);

/** A typed number ("14", "1,5") as a number; anything else as typed, for the API's schema to refuse by name. */
function numberOr(raw: string, scale = 1): number | string {
  const s = raw.replace(/\s/g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) / scale : raw;
}

function setPath(doc: Record<string, unknown>, path: Array<string | number>, value: unknown) {
  let node = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

const posted = (body: Record<string, unknown>, name: string) =>
  // A browser posts a textarea's line breaks as CRLF; the stored text has LF.
  typeof body[name] === 'string' ? (body[name] as string).replace(/\r\n/g, '\n').trim() : undefined;

/** The field of a reminder that holds its value (where a refusal of the whole reminder is shown). */
const reminderValueKey = (r: Record<string, unknown>) => ('afterStart' in r ? 'afterStart.amount' : 'beforeDue' in r ? 'beforeDue.amount' : 'atFraction' in r ? 'atFraction' : 'atLocalTimeOnDueDay');

/**
 * The document a posted form asks to publish: the source version with the form's fields set, the
 * rows marked for removal left out and the new rows added. A field left as it was shown keeps the
 * source's exact value; a field absent from the post is unchanged. Returns what was typed (to show
 * again), the required texts left blank, the steps left without a rung (each by the field that
 * says so), and `formPath`: the form field a path of the document names (rows move when one
 * before them is removed), with `kinds` for fields whose message depends on what was typed.
 */
export function applyPolicyForm(source: PolicyDocument, body: Record<string, unknown>) {
  const document = structuredClone(source) as unknown as Record<string, unknown>;
  const values: Record<string, string> = {};
  const blank: string[] = [];
  const noRungs: string[] = [];
  const kinds: Record<string, string> = {};
  const version = typeof body.version === 'string' ? body.version.trim() : '';
  document.version = version;
  values.version = version;
  for (const f of formFields(policyForm(source))) {
    const raw = posted(body, f.name);
    values[f.name] = raw ?? f.value;
    if (f.row || raw === undefined || raw === f.value.trim()) continue;
    if (f.kind === 'amount') setPath(document, f.path, numberOr(raw));
    else if (f.kind === 'percent') setPath(document, f.path, numberOr(raw, 100));
    else if (f.kind === 'text') setPath(document, f.path, raw === '' ? undefined : raw);
    else if (f.kind === 'requiredText' && raw === '') blank.push(f.name);
    else setPath(document, f.path, raw);
  }
  // Document path of a row → its form prefix, and for a new row how its own paths map.
  const rows: Array<{ doc: string; form: string; whole: string; inner?: (rest: string) => string }> = [];
  const steps = document.steps as Record<string, { reminders?: unknown[]; escalation: unknown[] }>;
  for (const key of Object.keys(source.steps)) {
    const step = steps[key];
    const base = `steps.${key}`;
    const kept = <T>(list: T[], part: string) => list.map((item, i) => ({ item, i })).filter(({ i }) => values[`${base}.${part}.${i}.remove`] === '');
    const reminders = kept(step.reminders ?? [], 'reminders');
    reminders.forEach(({ item, i }, j) => rows.push({ doc: `${base}.reminders.${j}`, form: `${base}.reminders.${i}`, whole: reminderValueKey(item as Record<string, unknown>) }));
    const list: unknown[] = reminders.map(({ item }) => item);
    const r = `${base}.reminders.new`;
    const kind = values[`${r}.kind`] as ReminderKind;
    if (values[`${r}.amount`] !== '' || values[`${r}.time`] !== '') {
      const amount = values[`${r}.amount`];
      const span = { amount: numberOr(amount), unit: values[`${r}.unit`] };
      list.push(kind === 'atFraction' ? { atFraction: numberOr(amount, 100) } : kind === 'atLocalTimeOnDueDay' ? { atLocalTimeOnDueDay: values[`${r}.time`] } : { [kind]: span });
      if (kind === 'atFraction') kinds[`${r}.amount`] = 'percent';
      // A kind the list does not offer (a tampered post) is refused at the kind itself.
      const valueField = !reminderKinds.includes(kind) ? 'kind' : kind === 'atLocalTimeOnDueDay' ? 'time' : 'amount';
      rows.push({ doc: `${base}.reminders.${list.length - 1}`, form: r, whole: valueField, inner: (rest) => (rest.endsWith('.unit') && valueField !== 'kind' ? 'unit' : valueField) });
    }
    if (list.length > 0 || step.reminders) step.reminders = list;

    const rungs = kept(step.escalation, 'escalation');
    rungs.forEach(({ i }, j) => rows.push({ doc: `${base}.escalation.${j}`, form: `${base}.escalation.${i}`, whole: 'after.amount' }));
    const ladder: unknown[] = rungs.map(({ item }) => item);
    const n = `${base}.escalation.new`;
    if (values[`${n}.after.amount`] !== '') {
      ladder.push({ after: { amount: numberOr(values[`${n}.after.amount`]), unit: values[`${n}.after.unit`] }, target: values[`${n}.target`] });
      rows.push({ doc: `${base}.escalation.${ladder.length - 1}`, form: n, whole: 'after.amount' });
    }
    // The schema wants a rung; said next to the first row's remove box rather than published to be refused.
    if (ladder.length === 0) noRungs.push(`${base}.escalation.0.remove`);
    step.escalation = ladder;
  }
  const formPath = (path: string): string => {
    const row = rows.find((x) => path === x.doc || path.startsWith(`${x.doc}.`));
    if (!row) return path;
    const rest = path.slice(row.doc.length);
    if (rest === '') return `${row.form}.${row.whole}`;
    return row.inner ? `${row.form}.${row.inner(rest)}` : `${row.form}${rest}`;
  };
  return { document, values, blank, noRungs, kinds, formPath };
}

/**
 * The form field a refusal's path names: itself; or, for a refusal of a whole part (a reminder,
 * a step), the first field inside it, with `exact` false so the message can say so.
 */
export function fieldForPath(path: string, names: readonly string[]): { name: string; exact: boolean } | undefined {
  if (names.includes(path)) return { name: path, exact: true };
  const inside = names.find((n) => n.startsWith(`${path}.`));
  if (inside) return { name: inside, exact: false };
  const around = names.filter((n) => path.startsWith(`${n}.`)).sort((a, b) => b.length - a.length)[0];
  return around ? { name: around, exact: true } : undefined;
}

/** An element id for a field: `f-steps-investigation-deadline-span-amount`. */
export const fieldId = (name: string) => `f-${name.replace(/\./g, '-')}`;
