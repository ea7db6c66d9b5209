// The new-version form of a policy: which parts of a version an admin edits in the browser, each
// field named by its path in the policy document (the path the API names in a refusal), and how
// a posted form becomes the document to publish. Everything the form does not show is carried
// over from the source version as it was read.
import { policyTextLanguage, type PolicyDocument, type ReminderRule, type Span, type StepPolicy, type TextLanguage } from '../domain/policy';

export type FieldKind = 'amount' | 'spanUnit' | 'time' | 'percent' | 'unit' | 'target' | 'text' | 'requiredText';

export interface PolicyField {
  /** The document path joined by dots, as the API's refusals name it: `steps.investigation.deadline.span.amount`. */
  name: string;
  path: Array<string | number>;
  kind: FieldKind;
  /** The source version's value as the form shows it (amounts with a decimal comma, fractions as percent). */
  value: string;
}

export type GroupKind = 'unit' | 'deadline' | 'sameDay' | 'afterStart' | 'beforeDue' | 'atFraction' | 'atTime' | 'rung' | 'repeat' | 'rationale' | 'legalBasis' | 'interval';

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

function reminderGroup(base: Array<string | number>, r: ReminderRule, index: number): PolicyFieldGroup {
  const path = [...base, index];
  if ('afterStart' in r) return { kind: 'afterStart', index, fields: spanFields([...path, 'afterStart'], r.afterStart) };
  if ('beforeDue' in r) return { kind: 'beforeDue', index, fields: spanFields([...path, 'beforeDue'], r.beforeDue) };
  if ('atFraction' in r) return { kind: 'atFraction', index, fields: [field([...path, 'atFraction'], 'percent', decimal(+(r.atFraction * 100).toFixed(4)))] };
  return { kind: 'atTime', index, fields: [field([...path, 'atLocalTimeOnDueDay'], 'time', r.atLocalTimeOnDueDay)] };
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
    groups.push({ kind: 'rung', index: i, fields: [...spanFields([...base, 'escalation', i, 'after'], rung.after), field([...base, 'escalation', i, 'target'], 'target', rung.target)] }),
  );
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

/**
 * The document a posted form asks to publish: the source version with the form's fields set. A
 * field left as it was shown keeps the source's exact value; a field absent from the post is
 * unchanged. Returns what was typed (to show again) and the required texts left blank.
 */
export function applyPolicyForm(source: PolicyDocument, body: Record<string, unknown>) {
  const document = structuredClone(source) as unknown as Record<string, unknown>;
  const values: Record<string, string> = {};
  const blank: string[] = [];
  const version = typeof body.version === 'string' ? body.version.trim() : '';
  document.version = version;
  values.version = version;
  for (const f of formFields(policyForm(source))) {
    // A browser posts a textarea's line breaks as CRLF; the stored text has LF.
    const raw = typeof body[f.name] === 'string' ? (body[f.name] as string).replace(/\r\n/g, '\n').trim() : undefined;
    values[f.name] = raw ?? f.value;
    if (raw === undefined || raw === f.value.trim()) continue;
    if (f.kind === 'amount') setPath(document, f.path, numberOr(raw));
    else if (f.kind === 'percent') setPath(document, f.path, numberOr(raw, 100));
    else if (f.kind === 'text') setPath(document, f.path, raw === '' ? undefined : raw);
    else if (f.kind === 'requiredText' && raw === '') blank.push(f.name);
    else setPath(document, f.path, raw);
  }
  return { document, values, blank };
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
