// The new-version form of a policy: which parts of a version an admin edits in the browser, each
// field named by its path in the policy document (the path the API names in a refusal), and how
// a posted form becomes the document to publish. Everything the form does not show is carried
// over from the source version as it was read.
// A step's reminders, escalation rungs, outcomes and consent-wait rungs are rows: each shown one
// has a "remove" box, and one empty row per list adds one; a new row left empty is ignored. A
// reminder's kind is a control of its row: its value fields are those of the kind it shows.
import { escalationTargets, policyTextLanguage, safetyOutcomes, type PolicyDocument, type ReminderRule, type Span, type StepPolicy, type TextLanguage } from '../domain/policy';

export type FieldKind = 'amount' | 'spanUnit' | 'time' | 'percent' | 'unit' | 'target' | 'text' | 'requiredText' | 'remove' | 'reminderKind' | 'outcome' | 'check';

/** The kinds of reminder (domain/policy.ts reminderRuleSchema), by the key each is stored under. */
export const reminderKinds = ['beforeDue', 'afterStart', 'atFraction', 'atLocalTimeOnDueDay'] as const;
export type ReminderKind = (typeof reminderKinds)[number];
const spanKinds: readonly string[] = ['beforeDue', 'afterStart'];

export interface PolicyField {
  /** The document path joined by dots, as the API's refusals name it: `steps.investigation.deadline.span.amount`. */
  name: string;
  path: Array<string | number>;
  kind: FieldKind;
  /** The source version's value as the form shows it (amounts with a decimal comma, fractions as percent; a ticked box "on"). */
  value: string;
  /** A field of a new row, a remove box, a row's kind or a box: not a value of the source, so never set by its path. */
  row?: boolean;
}

export type GroupKind =
  | 'unit'
  | 'deadline'
  | 'sameDay'
  | 'afterStart'
  | 'beforeDue'
  | 'atFraction'
  | 'atTime'
  | 'rung'
  | 'newReminder'
  | 'newRung'
  | 'repeat'
  | 'notify'
  | 'outcome'
  | 'newOutcome'
  | 'waitDeadline'
  | 'waitSameDay'
  | 'waitUnit'
  | 'waitRung'
  | 'newWaitRung'
  | 'rationale'
  | 'legalBasis'
  | 'interval';

export interface PolicyFieldGroup {
  kind: GroupKind;
  /** Which reminder, rung or outcome (0-based); which step an interval is for. */
  index?: number;
  key?: string;
  /** An outcome row's code in the source (its name in the catalog heads the row). */
  code?: string;
  fields: PolicyField[];
}

export interface PolicyForm {
  /** The language of the source's texts; the new version keeps it (applyPolicyForm carries it over with the rest). */
  textLanguage: TextLanguage;
  steps: Array<{ key: string; groups: PolicyFieldGroup[] }>;
  intervals: PolicyFieldGroup[];
}

/**
 * A reminder row shown with another kind than its source's (a form that came back after its kind
 * was changed): the row's prefix (`steps.investigation.reminders.1`) → the kind it shows.
 */
export type ShownKinds = Record<string, ReminderKind>;

/** 1.5 as the form shows it: "1,5". */
const decimal = (n: number) => String(n).replace('.', ',');
const field = (path: Array<string | number>, kind: FieldKind, value: string): PolicyField => ({ name: path.join('.'), path, kind, value });
const spanFields = (path: Array<string | number>, span: Span) => [field([...path, 'amount'], 'amount', decimal(span.amount)), field([...path, 'unit'], 'spanUnit', span.unit)];

const rowField = (path: Array<string | number>, kind: FieldKind, value: string): PolicyField => ({ ...field(path, kind, value), row: true });
const removeField = (path: Array<string | number>) => rowField([...path, 'remove'], 'remove', '');

/** The kind of a stored reminder. */
export const reminderKindOf = (r: ReminderRule): ReminderKind => ('afterStart' in r ? 'afterStart' : 'beforeDue' in r ? 'beforeDue' : 'atFraction' in r ? 'atFraction' : 'atLocalTimeOnDueDay');
const reminderGroupKind: Record<ReminderKind, GroupKind> = { afterStart: 'afterStart', beforeDue: 'beforeDue', atFraction: 'atFraction', atLocalTimeOnDueDay: 'atTime' };

/** A reminder's value fields for a kind: the source's values when it is the source's kind, else empty. */
function reminderValueFields(path: Array<string | number>, kind: ReminderKind, r?: ReminderRule): PolicyField[] {
  if (kind === 'afterStart' || kind === 'beforeDue') {
    const span = r && kind in r ? (r as Record<string, Span>)[kind] : undefined;
    return span ? spanFields([...path, kind], span) : [field([...path, kind, 'amount'], 'amount', ''), field([...path, kind, 'unit'], 'spanUnit', 'calendarDays')];
  }
  if (kind === 'atFraction') return [field([...path, 'atFraction'], 'percent', r && 'atFraction' in r ? decimal(+(r.atFraction * 100).toFixed(4)) : '')];
  return [field([...path, 'atLocalTimeOnDueDay'], 'time', r && 'atLocalTimeOnDueDay' in r ? r.atLocalTimeOnDueDay : '')];
}

function reminderGroup(base: Array<string | number>, r: ReminderRule, index: number, shown?: ReminderKind): PolicyFieldGroup {
  const path = [...base, index];
  const source = reminderKindOf(r);
  const kind = shown ?? source;
  // Fields of another kind than the source's are not its values: never set by their path.
  const values = reminderValueFields(path, kind, kind === source ? r : undefined).map((f) => (kind === source ? f : { ...f, row: true }));
  return { kind: reminderGroupKind[kind], index, fields: [rowField([...path, 'kind'], 'reminderKind', kind), ...values, removeField(path)] };
}

const ladderRow = (path: Array<string | number>, rung: StepPolicy['escalation'][number]): PolicyField[] => [
  ...spanFields([...path, 'after'], rung.after),
  field([...path, 'target'], 'target', rung.target),
  removeField(path),
];
const newLadderRow = (path: Array<string | number>): PolicyField[] => [
  rowField([...path, 'after', 'amount'], 'amount', ''),
  rowField([...path, 'after', 'unit'], 'spanUnit', 'calendarDays'),
  rowField([...path, 'target'], 'target', escalationTargets[0]),
];

/** The empty rows that add a reminder and a rung to a step. */
function newRowGroups(base: Array<string | number>): PolicyFieldGroup[] {
  const reminder = [...base, 'reminders', 'new'];
  return [
    {
      kind: 'newReminder',
      fields: [rowField([...reminder, 'kind'], 'reminderKind', reminderKinds[0]), rowField([...reminder, 'amount'], 'amount', ''), rowField([...reminder, 'unit'], 'spanUnit', 'calendarDays'), rowField([...reminder, 'time'], 'time', '')],
    },
    { kind: 'newRung', fields: newLadderRow([...base, 'escalation', 'new']) },
  ];
}

const deadlineGroup = (path: Array<string | number>, d: StepPolicy['deadline'], kinds: [GroupKind, GroupKind]): PolicyFieldGroup =>
  d.kind === 'span'
    ? { kind: kinds[0], fields: spanFields([...path, 'span'], d.span) }
    : { kind: kinds[1], fields: [field([...path, 'cutoffLocalTime'], 'time', d.cutoffLocalTime), field([...path, 'dueLocalTime'], 'time', d.dueLocalTime)] };

/** Who besides the unit's inbox is told when the task opens: a box per target. */
const notifyGroup = (base: Array<string | number>, step: StepPolicy): PolicyFieldGroup => ({
  kind: 'notify',
  fields: escalationTargets.map((target) => rowField([...base, 'notifyOnOpen', target], 'check', (step.notifyOnOpen ?? []).includes(target) ? 'on' : '')),
});

/** The outcomes as rows; a step with a consent gate says per outcome whether it may be given while the task waits. */
function outcomeGroups(base: Array<string | number>, step: StepPolicy): PolicyFieldGroup[] {
  const waiting = step.consent?.outcomesWhileWaiting ?? [];
  const whileWaiting = (path: Array<string | number>, on: boolean) => (step.consent ? [rowField([...path, 'whileWaiting'], 'check', on ? 'on' : '')] : []);
  const rows = step.outcomes.map((code, i): PolicyFieldGroup => {
    const path = [...base, 'outcomes', i];
    return { kind: 'outcome', index: i, code, fields: [field(path, 'outcome', code), ...whileWaiting(path, waiting.includes(code)), removeField(path)] };
  });
  const added = [...base, 'outcomes', 'new'];
  return [...rows, { kind: 'newOutcome', fields: [rowField(added, 'outcome', ''), ...whileWaiting(added, false)] }];
}

/** The consent wait: its deadline, the unit told while the task waits (when the source names one) and its ladder. */
function waitGroups(base: Array<string | number>, step: StepPolicy): PolicyFieldGroup[] {
  const gate = step.consent;
  if (!gate) return [];
  const path = [...base, 'consent'];
  const groups = [deadlineGroup([...path, 'waitDeadline'], gate.waitDeadline, ['waitDeadline', 'waitSameDay'])];
  if (gate.waitUnitCode !== undefined) groups.push({ kind: 'waitUnit', fields: [field([...path, 'waitUnitCode'], 'unit', gate.waitUnitCode)] });
  (gate.waitEscalation ?? []).forEach((rung, i) => groups.push({ kind: 'waitRung', index: i, fields: ladderRow([...path, 'waitEscalation', i], rung) }));
  groups.push({ kind: 'newWaitRung', fields: newLadderRow([...path, 'waitEscalation', 'new']) });
  return groups;
}

function stepGroups(key: string, step: StepPolicy, shown: ShownKinds): PolicyFieldGroup[] {
  const base = ['steps', key];
  const groups: PolicyFieldGroup[] = [{ kind: 'unit', fields: [field([...base, 'unitCode'], 'unit', step.unitCode)] }];
  groups.push(deadlineGroup([...base, 'deadline'], step.deadline, ['deadline', 'sameDay']));
  (step.reminders ?? []).forEach((r, i) => groups.push(reminderGroup([...base, 'reminders'], r, i, shown[`${base.join('.')}.reminders.${i}`])));
  const [newReminder, newRung] = newRowGroups(base);
  groups.push(newReminder);
  step.escalation.forEach((rung, i) => groups.push({ kind: 'rung', index: i, fields: ladderRow([...base, 'escalation', i], rung) }));
  groups.push(newRung);
  if (step.repeatEscalationEvery) groups.push({ kind: 'repeat', fields: spanFields([...base, 'repeatEscalationEvery'], step.repeatEscalationEvery) });
  groups.push(notifyGroup(base, step), ...outcomeGroups(base, step), ...waitGroups(base, step));
  // A step with a legal basis keeps one (without it the task would need consent); the rationale may be cleared.
  if (step.legalBasis !== undefined) groups.push({ kind: 'legalBasis', fields: [field([...base, 'legalBasis'], 'requiredText', step.legalBasis)] });
  groups.push({ kind: 'rationale', fields: [field([...base, 'rationale'], 'text', step.rationale ?? '')] });
  return groups;
}

/**
 * The form of a policy version: per step its unit, deadline, reminders, ladder, who is told at
 * opening, outcomes, consent wait and texts; the intervals of repeating steps. `shown`: reminder
 * rows to show with another kind than their source's.
 */
export function policyForm(doc: PolicyDocument, shown: ShownKinds = {}): PolicyForm {
  return {
    textLanguage: policyTextLanguage(doc),
    steps: Object.entries(doc.steps).map(([key, step]) => ({ key, groups: stepGroups(key, step, shown) })),
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

/** Where a reminder kind's value sits under its row: the field a refusal of the whole reminder is shown at. */
const valueKey = (kind: ReminderKind) => (spanKinds.includes(kind) ? `${kind}.amount` : kind);
const valueNames = (row: string, kind: ReminderKind) => (spanKinds.includes(kind) ? [`${row}.${kind}.amount`, `${row}.${kind}.unit`] : [`${row}.${kind}`]);

/** The hidden field that says the form showed its boxes: then a box absent from the post was left unticked. */
export const boxesField = 'boxesShown';

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * The document a posted form asks to publish: the source version with the form's fields set, the
 * rows marked for removal left out and the new rows added. A field left as it was shown keeps the
 * source's exact value; a field absent from the post is unchanged. Returns what was typed (to show
 * again); what the form refuses itself before the API is asked: the required texts left blank,
 * the steps left without a rung, and `refused` (field → kind of message: a reminder whose kind
 * changed to one that needs another value, a duplicate outcome, a step without outcomes); `shown`,
 * the reminder rows to show with the kind chosen; and `formPath`: the form field a path of the
 * document names (rows move when one before them is removed), with `kinds` for fields whose
 * message depends on what was typed.
 */
export function applyPolicyForm(source: PolicyDocument, body: Record<string, unknown>) {
  const document = structuredClone(source) as unknown as Record<string, unknown>;
  const values: Record<string, string> = {};
  const blank: string[] = [];
  const noRungs: string[] = [];
  const refused: Record<string, string> = {};
  const kinds: Record<string, string> = {};
  const shown: ShownKinds = {};
  const version = typeof body.version === 'string' ? body.version.trim() : '';
  document.version = version;
  values.version = version;
  // A browser posts no unticked box; a post without the form's marker (not from the form) leaves them as they were.
  const boxesShown = body[boxesField] !== undefined;
  for (const f of formFields(policyForm(source))) {
    const raw = posted(body, f.name) ?? (f.kind === 'check' && boxesShown ? '' : undefined);
    values[f.name] = raw ?? f.value;
    if (f.row || raw === undefined || raw === f.value.trim()) continue;
    if (f.kind === 'amount') setPath(document, f.path, numberOr(raw));
    else if (f.kind === 'percent') setPath(document, f.path, numberOr(raw, 100));
    else if (f.kind === 'text') setPath(document, f.path, raw === '' ? undefined : raw);
    else if (f.kind === 'requiredText' && raw === '') blank.push(f.name);
    else setPath(document, f.path, raw);
  }
  const typedReminder = (row: string, kind: ReminderKind): unknown =>
    spanKinds.includes(kind)
      ? { [kind]: { amount: numberOr(values[`${row}.${kind}.amount`]), unit: values[`${row}.${kind}.unit`] } }
      : kind === 'atFraction'
        ? { atFraction: numberOr(values[`${row}.atFraction`], 100) }
        : { atLocalTimeOnDueDay: values[`${row}.atLocalTimeOnDueDay`] };
  /** A kept reminder as its row asks: its kind as chosen, its value from the fields the form showed. */
  const reminderOfRow = (row: string, item: unknown, sourceKind: ReminderKind): { item: unknown; kind: ReminderKind | undefined } => {
    const chosen = values[`${row}.kind`] as ReminderKind;
    if (!reminderKinds.includes(chosen)) {
      // A kind the list does not offer (a tampered post): refused at the kind itself.
      refused[`${row}.kind`] = 'reminderKind';
      return { item, kind: undefined };
    }
    // The kind whose fields the form showed: the source's, or the one chosen before the form came back.
    const showing = reminderKinds.find((k) => k !== sourceKind && posted(body, valueNames(row, k)[0]) !== undefined) ?? sourceKind;
    // Back to the source's kind (its fields were not shown): its own value.
    if (chosen === sourceKind) return { item, kind: chosen };
    shown[row] = chosen;
    if (showing !== sourceKind) valueNames(row, showing).forEach((name) => (values[name] = posted(body, name) ?? ''));
    if (chosen !== showing) {
      const [amount, unit] = valueNames(row, chosen);
      if (spanKinds.includes(chosen) && spanKinds.includes(showing)) {
        // Span to span: the amount and unit shown stay, now counted the new way.
        values[amount] = values[`${row}.${showing}.amount`];
        values[unit] = values[`${row}.${showing}.unit`];
      } else {
        // Another value is needed: the form comes back with the new kind's fields, asking for it.
        values[amount] = '';
        if (unit) values[unit] = 'calendarDays';
        refused[amount] = `kindChanged.${chosen}`;
      }
    }
    return { item: typedReminder(row, chosen), kind: chosen };
  };

  // Document path of a row → its form prefix, and for a new row how its own paths map.
  const rows: Array<{ doc: string; form: string; whole: string; inner?: (rest: string) => string }> = [];
  type Gate = { waitEscalation?: unknown[]; outcomesWhileWaiting?: string[] };
  const steps = document.steps as Record<string, { reminders?: unknown[]; escalation: unknown[]; outcomes: string[]; notifyOnOpen?: string[]; consent?: Gate }>;
  for (const [key, sourceStep] of Object.entries(source.steps)) {
    const step = steps[key];
    const base = `steps.${key}`;
    const kept = <T>(list: T[], part: string) => list.map((item, i) => ({ item, i })).filter(({ i }) => values[`${base}.${part}.${i}.remove`] === '');
    const list: unknown[] = [];
    for (const { item, i } of kept(step.reminders ?? [], 'reminders')) {
      const row = `${base}.reminders.${i}`;
      const asked = reminderOfRow(row, item, reminderKindOf((sourceStep.reminders ?? [])[i]));
      list.push(asked.item);
      rows.push({ doc: `${base}.reminders.${list.length - 1}`, form: row, whole: asked.kind ? valueKey(asked.kind) : 'kind' });
    }
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

    const ladderOf = (items: unknown[], part: string) => {
      const rungs = kept(items, part);
      rungs.forEach(({ i }, j) => rows.push({ doc: `${base}.${part}.${j}`, form: `${base}.${part}.${i}`, whole: 'after.amount' }));
      const ladder: unknown[] = rungs.map(({ item }) => item);
      const n = `${base}.${part}.new`;
      if (values[`${n}.after.amount`] !== '') {
        ladder.push({ after: { amount: numberOr(values[`${n}.after.amount`]), unit: values[`${n}.after.unit`] }, target: values[`${n}.target`] });
        rows.push({ doc: `${base}.${part}.${ladder.length - 1}`, form: n, whole: 'after.amount' });
      }
      return ladder;
    };
    const ladder = ladderOf(step.escalation, 'escalation');
    // The schema wants a rung; said next to the first row's remove box rather than published to be refused.
    if (ladder.length === 0) noRungs.push(`${base}.escalation.0.remove`);
    step.escalation = ladder;

    // Who is told at opening: as it was unless the boxes ticked name others; none ticked, the key goes.
    const notify = escalationTargets.filter((t) => values[`${base}.notifyOnOpen.${t}`] === 'on');
    if (!sameSet(notify, sourceStep.notifyOnOpen ?? [])) {
      if (notify.length > 0) step.notifyOnOpen = notify;
      else delete step.notifyOnOpen;
    }

    // Outcomes: the kept rows as typed, then a new one; the ticked ones may be given while the task waits for consent.
    const outcomes: Array<{ code: string; form: string }> = kept(step.outcomes, 'outcomes').map(({ item, i }) => ({ code: item, form: `${base}.outcomes.${i}` }));
    const added = `${base}.outcomes.new`;
    if (values[added] !== '') outcomes.push({ code: values[added], form: added });
    const codes: string[] = [];
    for (const o of outcomes) {
      // The same outcome twice would be one outcome offered twice: said at the second.
      if (codes.includes(o.code)) refused[o.form] = 'outcomeTaken';
      codes.push(o.code);
      rows.push({ doc: `${base}.outcomes.${codes.length - 1}`, form: o.form, whole: '' });
    }
    if (codes.length === 0) refused[`${base}.outcomes.0.remove`] = 'noOutcomes';
    // An outcome the workflow acts on for the child's safety, removed or renamed: said at its row (the API refuses it too).
    for (const needed of safetyOutcomes[source.caseType]?.[key] ?? []) {
      const i = sourceStep.outcomes.indexOf(needed);
      if (i < 0 || codes.includes(needed)) continue;
      const removed = values[`${base}.outcomes.${i}.remove`] !== '';
      refused[removed ? `${base}.outcomes.${i}.remove` : `${base}.outcomes.${i}`] = 'safetyOutcome';
    }
    step.outcomes = codes;

    const gate = step.consent;
    if (gate && sourceStep.consent) {
      const waiting = outcomes.filter((o) => values[`${o.form}.whileWaiting`] === 'on').map((o) => o.code);
      if (!sameSet(waiting, sourceStep.consent.outcomesWhileWaiting ?? [])) {
        if (waiting.length > 0) gate.outcomesWhileWaiting = waiting;
        else delete gate.outcomesWhileWaiting;
      }
      // No rung left: the wait's default ladder (the wait unit's supervisor as it lapses), as for a version that names none.
      const waitLadder = ladderOf(gate.waitEscalation ?? [], 'consent.waitEscalation');
      if (waitLadder.length > 0) gate.waitEscalation = waitLadder;
      else delete gate.waitEscalation;
    }
  }
  const formPath = (path: string): string => {
    const row = rows.find((x) => path === x.doc || path.startsWith(`${x.doc}.`));
    if (!row) return path;
    const rest = path.slice(row.doc.length);
    if (rest === '') return row.whole ? `${row.form}.${row.whole}` : row.form;
    return row.inner ? `${row.form}.${row.inner(rest)}` : `${row.form}${rest}`;
  };
  return { document, values, blank, noRungs, refused, shown, kinds, formPath };
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
