import { caseTypes } from '../domain/policy';
import { concernCategories, urgencies, voluntaryProgrammes, type RoutingRule, type RoutingTable } from '../domain/routing';
import { fieldForPath } from './policyForm';

/**
 * The routing table's new-version form as fields named by the table's paths: an existing rule by
 * `rules.<index in the active table>`, the one new rule by `ny`. What the form does not show (a
 * rule's description, alsoForMinors) is carried over from the active table, so a version
 * published here differs from it only in what the admin changed.
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
export type RoutingFieldKind = 'version' | 'id' | 'caseType' | 'tracks' | 'codes' | 'age' | 'district' | 'suspected' | 'unit' | 'position';

/** The case types a rule may send a referral to (triage is where no rule sends it). */
export const ruleCaseTypes: readonly string[] = caseTypes.filter((c) => c !== 'triage');

/**
 * The steps a rule of a case type may have its own unit for: the case type's active policy's, and,
 * for an existing rule whose case type is unchanged, any step it already names.
 */
export type StepsOf = (caseType: string, rule?: RoutingRule) => string[];
/** A refusal the form makes itself, before the API is asked: a message by field name. */
export type LocalRefusals = Record<string, string>;
/** What the form says in its own refusals (the catalog's, passed in so that this module stays free of words). */
export interface RoutingFormMessages {
  positionRange: (count: number) => string;
  positionTaken: (otherNumber: number, otherId: string) => string;
  /** Codes: the case type chosen and the steps whose units it does not have. */
  unitsDropped: (caseType: string, steps: string[]) => string;
}

export const conditionName = (prefix: string, key: ConditionKey) => `${prefix}.when.${key}`;
export const unitName = (prefix: string, step: string) => `${prefix}.then.units.${step}`;
export const removeName = (prefix: string) => `${prefix}.remove`;
/** An existing rule's place in the new order (1 first); the new rule's is the rule it goes before. */
export const positionName = (prefix: string) => `${prefix}.position`;
export const caseTypeName = (prefix: string) => `${prefix}.then.caseType`;
export const tracksName = (prefix: string) => `${prefix}.then.tracks`;
/** Which case type's steps an existing rule's unit fields were shown for (hidden), to tell a changed case type. */
export const unitsForName = (prefix: string) => `${prefix}.unitsFor`;
/** The new rule's unit for a step if its case type is the one given: each case type's steps have fields of their own. */
export const newUnitName = (caseType: string, step: string) => `${newRule}.units.${caseType}.${step}`;

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
    [caseTypeName(prefix)]: rule.then.caseType,
    [tracksName(prefix)]: joined(rule.then.tracks),
  };
  for (const [step, unit] of Object.entries(rule.then.units)) values[unitName(prefix, step)] = unit;
  return values;
}

/** The form's first values: every rule as active, the new rule empty and placed before the last rule (the catch-all, when there is one). */
export function initialValues(active: RoutingTable): Record<string, string> {
  return {
    version: '',
    [positionName(newRule)]: String(Math.max(active.rules.length - 1, 0)),
    ...Object.assign({}, ...active.rules.map((rule, i) => ({ ...ruleValues(`rules.${i}`, rule), [positionName(`rules.${i}`)]: String(i + 1) }))),
  };
}

/** The case type whose steps an existing rule's unit fields show: the one the form holds for it, or the active rule's. */
export function shownCaseType(rule: RoutingRule, values: Record<string, string>, prefix: string): string {
  const chosen = values[caseTypeName(prefix)] ?? '';
  return ruleCaseTypes.includes(chosen) ? chosen : rule.then.caseType;
}

/** Every field's name and kind, for placing a refusal (the unit fields as the form shows them with these values). */
export function routingFieldKinds(active: RoutingTable, stepsOf: StepsOf, values: Record<string, string>): Map<string, RoutingFieldKind> {
  const kinds = new Map<string, RoutingFieldKind>([['version', 'version']]);
  const conditions = (prefix: string) => {
    for (const key of conditionKeys) {
      kinds.set(conditionName(prefix, key), listConditions.has(key) ? 'codes' : key === 'district' ? 'district' : key === 'suspectedOfCrime' ? 'suspected' : 'age');
    }
  };
  active.rules.forEach((rule, i) => {
    const prefix = `rules.${i}`;
    kinds.set(positionName(prefix), 'position');
    kinds.set(caseTypeName(prefix), 'caseType');
    kinds.set(tracksName(prefix), 'tracks');
    conditions(prefix);
    for (const step of stepsOf(shownCaseType(rule, values, prefix), rule)) kinds.set(unitName(prefix, step), 'unit');
  });
  kinds.set(positionName(newRule), 'position');
  kinds.set(`${newRule}.id`, 'id');
  kinds.set(caseTypeName(newRule), 'caseType');
  kinds.set(tracksName(newRule), 'tracks');
  conditions(newRule);
  for (const caseType of ruleCaseTypes) for (const step of stepsOf(caseType)) kinds.set(newUnitName(caseType, step), 'unit');
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

/** Boxes come in the form's order: the codes a rule had keep theirs, so an unchanged list is published unchanged. */
const inHadOrder = (had: readonly string[], ticked: readonly string[]) => [...had.filter((c) => ticked.includes(c)), ...ticked.filter((c) => !had.includes(c))].join('\n');

export interface AppliedRoutingForm {
  /** The table to publish (unchecked: the API's schema checks it). */
  table: unknown;
  /** What was typed, by field name, to refill the form. */
  values: Record<string, string>;
  /** For each rule of the table to publish, the prefix of its fields in the form. */
  origins: string[];
  /** What the form refuses itself (places in the order, units a changed case type does not have): nothing is published while there are any. */
  refusals: LocalRefusals;
}

/** The posted form over the active table. */
export function applyRoutingForm(active: RoutingTable, form: Form, stepsOf: StepsOf, messages: RoutingFormMessages): AppliedRoutingForm {
  const values: Record<string, string> = { version: posted(form, 'version'), [positionName(newRule)]: posted(form, positionName(newRule)) };
  const refusals: LocalRefusals = {};
  const kept: Array<{ rule: unknown; prefix: string; index: number; position: number }> = [];
  active.rules.forEach((rule, i) => {
    const prefix = `rules.${i}`;
    for (const key of conditionKeys) values[conditionName(prefix, key)] = posted(form, conditionName(prefix, key));
    for (const key of listConditions) {
      const name = conditionName(prefix, key as ConditionKey);
      values[name] = inHadOrder((rule.when[key as ConditionKey] as string[] | undefined) ?? [], lines(values[name]));
    }
    values[positionName(prefix)] = posted(form, positionName(prefix));
    values[caseTypeName(prefix)] = posted(form, caseTypeName(prefix));
    values[tracksName(prefix)] = inHadOrder(rule.then.tracks, lines(posted(form, tracksName(prefix))));
    // The unit fields posted are those of the case type the form was shown with, which the admin may have changed since.
    const postedFor = posted(form, unitsForName(prefix));
    const shownFor = ruleCaseTypes.includes(postedFor) ? postedFor : rule.then.caseType;
    const chosen = values[caseTypeName(prefix)];
    const chosenSteps = stepsOf(ruleCaseTypes.includes(chosen) ? chosen : shownFor, rule);
    const units: Record<string, string> = {};
    const dropped: string[] = [];
    for (const step of stepsOf(shownFor, rule)) {
      const unit = posted(form, unitName(prefix, step));
      values[unitName(prefix, step)] = unit;
      // An empty choice: the step goes where the case type's policy sends it.
      if (!unit) continue;
      if (chosenSteps.includes(step)) units[step] = unit;
      else dropped.push(step);
    }
    if (posted(form, removeName(prefix)) === 'true') {
      values[removeName(prefix)] = 'true';
      return;
    }
    // A unit for a step the new case type does not have is not dropped unseen: the form comes back with the new case type's steps.
    if (dropped.length > 0) refusals[caseTypeName(prefix)] = messages.unitsDropped(chosen, dropped);
    const place = values[positionName(prefix)];
    const position = /^\d{1,4}$/.test(place) ? Number(place) : NaN;
    if (!(position >= 1 && position <= active.rules.length)) refusals[positionName(prefix)] = messages.positionRange(active.rules.length);
    // alsoForMinors belongs to a voluntary programme: a rule changed to another case type leaves it (a minor still gets a youth concern from the case type itself).
    const { alsoForMinors, ...then } = rule.then;
    const keepsAlso = alsoForMinors !== undefined && voluntaryProgrammes.includes(chosen);
    kept.push({
      rule: { ...rule, when: conditionsOf(values, prefix), then: { ...then, caseType: chosen, tracks: lines(values[tracksName(prefix)]), units, ...(keepsAlso ? { alsoForMinors } : {}) } },
      prefix,
      index: i,
      position,
    });
  });
  // Two rules in one place: each refused, naming the other, since which goes first is the admin's to say.
  for (const a of kept) {
    const other = kept.find((b) => b !== a && b.position === a.position && !Number.isNaN(a.position));
    if (other && !refusals[positionName(a.prefix)]) refusals[positionName(a.prefix)] = messages.positionTaken(other.index + 1, active.rules[other.index].id);
  }
  // The new order: by place, the active order among equals (only while refused).
  const ordered = [...kept].sort((a, b) => (a.position || 0) - (b.position || 0) || a.index - b.index);
  const rules = ordered.map((k) => k.rule);
  const origins = ordered.map((k) => k.prefix);

  for (const name of [`${newRule}.id`, caseTypeName(newRule), tracksName(newRule), ...conditionKeys.map((k) => conditionName(newRule, k))]) values[name] = posted(form, name);
  for (const caseType of ruleCaseTypes) for (const step of stepsOf(caseType)) values[newUnitName(caseType, step)] = posted(form, newUnitName(caseType, step));
  // A new rule once it has an id or a case type; its other fields alone are not one.
  if (values[`${newRule}.id`] || values[caseTypeName(newRule)]) {
    const caseType = values[caseTypeName(newRule)];
    const units: Record<string, string> = {};
    // Only the chosen case type's units: the other case types' fields are there in case it is changed.
    if (ruleCaseTypes.includes(caseType)) for (const step of stepsOf(caseType)) if (values[newUnitName(caseType, step)]) units[step] = values[newUnitName(caseType, step)];
    const added = { id: values[`${newRule}.id`], when: conditionsOf(values, newRule), then: { caseType, tracks: lines(values[tracksName(newRule)]), units } };
    // Before the rule chosen (by its index in the active table) wherever it now goes; a removed one's next kept rule, or last.
    const before = Number(values[positionName(newRule)]);
    const target = kept.filter((k) => k.index >= before).sort((a, b) => a.index - b.index)[0];
    const at = target ? ordered.indexOf(target) : rules.length;
    rules.splice(at, 0, added);
    origins.splice(at, 0, newRule);
  }
  return { table: { version: values.version, rules }, values, origins, refusals };
}

/** A path the API names in the published table (`rules.3.when.ageMin`), as the form's field that holds it. */
export function formFieldForPath(path: string, origins: readonly string[], names: readonly string[], newCaseType = ''): { name: string; exact: boolean } | undefined {
  const m = /^rules\.(\d+)(\..*)?$/.exec(path);
  const origin = m ? origins[Number(m[1])] : undefined;
  if (m && origin === undefined) return undefined;
  // Only the new rule's id is typed here: an existing rule's id refused (taken twice) is the new rule's.
  if (m && origin !== newRule && m[2] === '.id') return names.includes(`${newRule}.id`) ? { name: `${newRule}.id`, exact: true } : undefined;
  // The new rule's units are its case type's fields.
  const unit = m && origin === newRule ? /^\.then\.units\.([^.]+)/.exec(m[2] ?? '') : null;
  if (unit) return fieldForPath(newUnitName(newCaseType, unit[1]), names);
  return fieldForPath(m ? `${origin}${m[2] ?? ''}` : path, names);
}
