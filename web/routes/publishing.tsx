import type { Request, Response, Router } from 'express';
import { named, sv } from '../../domain/catalog';
import { ErrorCode } from '../../domain/errors';
import type { PolicyDocument } from '../../domain/policy';
import type { Invocation } from '../invoke';
import type { PageKit } from '../kit';
import { applyPolicyForm, fieldForPath, formFields, policyForm, type PolicyForm, type ShownKinds } from '../policyForm';
import { NewPolicyVersionPage } from '../views/publishing';
import type { PublishErrors, UnitChoice } from '../views/publishForm';
import type { RegistryView } from '../views/registry';
import { routingPublishRoutes } from './routingPublish';

type PolicyRead = { caseType: string; version: string; activatedAt: string; document: PolicyDocument };
const e = sv.admin.publish.errors;

/** The registry's units as the form offers them (registry.read: admins may not call unit.list). */
const unitChoices = (registry: RegistryView): UnitChoice[] =>
  registry.agencies.flatMap((a) => a.units.map((u) => ({ code: u.code, name: u.name, agency: a.code, agencyName: a.name, active: u.active })));

/** A refused unit's message: the refusal's code says what is wrong, its `fields` where. */
const unitRefusals: Partial<Record<string, string>> = { [ErrorCode.UnitNotFound]: e.unitNotFound, [ErrorCode.UnitInactive]: e.unitInactive };

/** A refused publish as messages next to the form's fields (name → kind of field), each by the path the API named. */
function refusedFields(result: Invocation<unknown> & { ok: false }, kinds: Map<string, string>, values: Record<string, string>, formPath: (path: string) => string = (p) => p): PublishErrors {
  const names = [...kinds.keys()];
  const messages: Record<string, string> = {};
  if (result.error.code === ErrorCode.VersionExists) return { fields: { version: e.versionTaken }, values };
  // With fields: a step without an outcome its workflow acts on (a source published without it; the form catches a removed one itself).
  if (result.error.code === ErrorCode.InvalidPolicy) return { fields: {}, values, general: result.error.fields?.length ? e.invalidPolicySafety : e.invalidPolicy };
  const unitMessage = unitRefusals[result.error.code];
  let unplaced = false;
  for (const refused of result.error.fields ?? []) {
    const found = fieldForPath(formPath(refused.field), names);
    if (!found) unplaced = true;
    else messages[found.name] ??= unitMessage ?? (found.exact ? (e[kinds.get(found.name) ?? 'other'] ?? e.other) : e.part);
  }
  // Nothing to place the refusal at (e.g. a unit the form does not show: who is told while a step waits for consent): said above the form.
  const nowhere = Object.keys(messages).length === 0 && (unplaced || unitMessage !== undefined);
  return { fields: messages, values, general: nowhere ? (unitMessage ?? e.other) : undefined };
}

const policyKinds = (form: PolicyForm) => new Map<string, string>([['version', 'version'], ...formFields(form).map((f) => [f.name, f.kind] as [string, string])]);

/** Publishing from the browser: a new policy version from one an admin reads (policy.read, registry.read, policy.publish), and a new routing table from the active one (routing.read, routing.publish). */
export function publishingRoutes(router: Router, kit: PageKit): void {
  const { base, invoke, send, refused, ctxOf, principal, signedIn } = kit;
  const versionPath = (caseType: string, version: string) => `${base}/administration/policyer/${encodeURIComponent(caseType)}/${encodeURIComponent(version)}`;

  /** The source version and the registry's units, or the refusal's page already sent. */
  async function sourceAndUnits(req: Request, res: Response) {
    const params = { caseType: req.params.caseType as string, version: req.params.version as string };
    const source = await invoke<PolicyRead>('policy.read', req, res, principal(res), { params });
    // No such version (422) or a malformed one (400): the one 404, as on the version's page.
    if (!source.ok) return refused(res, source);
    const registry = await invoke<RegistryView>('registry.read', req, res, principal(res), {});
    if (!registry.ok) return refused(res, registry);
    return { source: source.body, units: unitChoices(registry.body) };
  }

  // `shown`: reminder rows whose kind was changed, shown with the fields of the kind chosen.
  const page = (res: Response, status: number, loaded: { source: PolicyRead; units: UnitChoice[] }, errors?: PublishErrors, shown?: ShownKinds) =>
    send(
      res,
      status,
      <NewPolicyVersionPage
        ctx={ctxOf(res)}
        source={loaded.source}
        form={policyForm(loaded.source.document, shown)}
        units={loaded.units}
        action={`${versionPath(loaded.source.caseType, loaded.source.version)}/ny-version`}
        errors={errors}
      />,
    );

  router.get('/administration/policyer/:caseType/:version/ny-version', signedIn, async (req, res) => {
    const loaded = await sourceAndUnits(req, res);
    if (loaded) page(res, 200, loaded);
  });

  router.post('/administration/policyer/:caseType/:version/ny-version', signedIn, async (req, res) => {
    // The source is read again here: the form carries only what it shows, and the rest comes from the stored version.
    const loaded = await sourceAndUnits(req, res);
    if (!loaded) return;
    const { document, values, blank, noRungs, refused: byForm, shown, kinds, formPath } = applyPolicyForm(loaded.source.document, (req.body ?? {}) as Record<string, unknown>);
    // What the form refuses itself (a blank legal basis, no rung or outcome left, a duplicate outcome, a reminder's new kind without its value): nothing is published.
    const formRefusals = [...blank.map((name) => [name, e.requiredText]), ...noRungs.map((name) => [name, e.noRungs]), ...Object.entries(byForm).map(([name, kind]) => [name, e[kind] ?? e.other])];
    if (formRefusals.length) return page(res, 400, loaded, { fields: Object.fromEntries(formRefusals), values }, shown);
    const result = await invoke<PolicyRead>('policy.publish', req, res, principal(res), { body: document });
    if (result.ok) return res.redirect(303, `${versionPath(result.body.caseType, result.body.version)}?klart=publicerad`);
    if (result.status === 403) return refused(res, result);
    const fieldKinds = new Map([...policyKinds(policyForm(loaded.source.document, shown)), ...Object.entries(kinds)]);
    page(res, result.status, loaded, refusedFields(result, fieldKinds, values, formPath), shown);
  });

  // Routning: a new version from the active one (web/routes/routingPublish.tsx).
  routingPublishRoutes(router, kit);
}

/** The confirmation on a version's page after it was published here. */
export const publishedNotice = (caseType: string, version: string) => sv.admin.publish.published(named(sv.caseTypes, caseType), version);

/** The confirmation on Routning after a version was published here (the version from the redirect, checked like the API's). */
export const routingPublishedNotice = (version: unknown) => (typeof version === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(version) ? sv.admin.publishRouting.published(version) : undefined);
