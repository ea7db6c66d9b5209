import type { Request, Response, Router } from 'express';
import { named, sv } from '../../domain/catalog';
import { ErrorCode } from '../../domain/errors';
import type { PolicyDocument } from '../../domain/policy';
import type { RoutingTable } from '../../domain/routing';
import type { Invocation } from '../invoke';
import type { PageKit } from '../kit';
import { applyRoutingForm, caseTypeName, formFieldForPath, initialValues, newRule, routingFieldKinds, ruleCaseTypes, type LocalRefusals, type RoutingFieldKind, type RoutingFormMessages, type StepsOf } from '../routingForm';
import type { PublishErrors, UnitChoice } from '../views/publishForm';
import type { RegistryView } from '../views/registry';
import type { RoutingView } from '../views/routing';
import { NewRoutingVersionPage, unitSteps, type Choice } from '../views/routingPublish';

const e = sv.admin.publish.errors;
const re = sv.admin.publishRouting.errors;
const rt = sv.admin.publishRouting;

interface Loaded {
  active: RoutingTable;
  units: UnitChoice[];
  agencies: Choice[];
  /** Each case type's active policy's steps. */
  policySteps: Map<string, string[]>;
}

/** The steps a rule of a case type may have its own unit for: the policy's, and an existing rule's own while its case type is unchanged. */
const stepsOf =
  (loaded: Loaded): StepsOf =>
  (caseType, rule) =>
    unitSteps(caseType, loaded.policySteps.get(caseType) ?? [], rule && rule.then.caseType === caseType ? Object.keys(rule.then.units) : []);

/** The form's own refusals in Swedish. */
const formMessages: RoutingFormMessages = {
  positionRange: rt.positionRange,
  positionTaken: rt.positionTaken,
  unitsDropped: (caseType, steps) => rt.unitsDropped(named(sv.caseTypes, caseType), steps.map((s) => named(sv.steps, s).toLocaleLowerCase('sv'))),
};

/** A refused field's message, by its kind and what was typed. */
function message(kind: RoutingFieldKind | undefined, name: string, values: Record<string, string>, code: string): string {
  if (code === ErrorCode.UnitNotFound) return e.unitNotFound;
  if (code === ErrorCode.UnitInactive) return e.unitInactive;
  if (kind === 'version') return e.version;
  if (kind === 'unit') return e.unit;
  if (kind === 'id') return /^[a-z0-9][a-z0-9-]{0,63}$/.test(values[name] ?? '') ? re.idTaken : re.id;
  if (kind === 'age' && name.endsWith('.ageMin')) {
    // The schema's one rule across fields: the lowest age above the highest.
    const max = values[name.replace(/ageMin$/, 'ageMax')];
    if (/^\d+$/.test(values[name] ?? '') && /^\d+$/.test(max ?? '') && Number(values[name]) <= 120 && Number(values[name]) > Number(max)) return re.ageOrder;
  }
  return (kind && re[kind]) ?? e.other;
}

/** A refused publish as messages next to the form's fields, each by the path the API named (in the published table, whose rules the form's may not be in the same places). */
function refusedFields(result: Invocation<unknown> & { ok: false }, kinds: Map<string, RoutingFieldKind>, origins: string[], values: Record<string, string>): PublishErrors {
  if (result.error.code === ErrorCode.VersionExists) return { fields: { version: e.versionTaken }, values };
  const names = [...kinds.keys()];
  const fields: Record<string, string> = {};
  for (const refused of result.error.fields ?? []) {
    const found = formFieldForPath(refused.field, origins, names, values[caseTypeName(newRule)]);
    if (found) fields[found.name] ??= found.exact ? message(kinds.get(found.name), found.name, values, result.error.code) : e.part;
  }
  // Nothing to place the refusal at: said above the form.
  return { fields, values, general: Object.keys(fields).length === 0 ? e.other : undefined };
}

const localErrors = (refusals: LocalRefusals, values: Record<string, string>): PublishErrors => ({ fields: refusals, values });

/** Ny version av routningstabellen: a new version from the active one (routing.read, registry.read, policy.list, policy.read, routing.publish). */
export function routingPublishRoutes(router: Router, kit: PageKit): void {
  const { base, invoke, send, refused, ctxOf, principal, signedIn } = kit;
  const routingPath = `${base}/administration/routning`;

  async function load(req: Request, res: Response) {
    const routing = await invoke<RoutingView>('routing.read', req, res, principal(res), {});
    // 422: no routing table is active, so there is nothing to start from.
    if (!routing.ok) return refused(res, routing.status === 422 ? { status: 404 } : routing);
    const registry = await invoke<RegistryView>('registry.read', req, res, principal(res), {});
    if (!registry.ok) return refused(res, registry);
    const list = await invoke<{ items: Array<{ caseType: string; version: string; active: boolean }> }>('policy.list', req, res, principal(res), {});
    if (!list.ok) return refused(res, list);
    // The steps a rule may have a unit for: its case type's active policy's (every case type a rule may be given).
    const policySteps = new Map<string, string[]>();
    for (const item of list.body.items.filter((i) => i.active && ruleCaseTypes.includes(i.caseType))) {
      const policy = await invoke<{ document: PolicyDocument }>('policy.read', req, res, principal(res), { params: { caseType: item.caseType, version: item.version } });
      if (!policy.ok) return refused(res, policy);
      policySteps.set(item.caseType, Object.keys(policy.body.document.steps));
    }
    const units = registry.body.agencies.flatMap((a) => a.units.map((u) => ({ code: u.code, name: u.name, agency: a.code, agencyName: a.name, active: u.active })));
    const agencies = registry.body.agencies.map((a) => ({ code: a.code, name: named(sv.agencies, a.code) === a.code ? a.name : named(sv.agencies, a.code) }));
    return { active: routing.body.active, units, agencies, policySteps };
  }

  const page = (res: Response, status: number, loaded: Loaded, values: Record<string, string>, errors?: PublishErrors) =>
    send(
      res,
      status,
      <NewRoutingVersionPage
        ctx={ctxOf(res)}
        active={loaded.active}
        units={loaded.units}
        agencies={loaded.agencies}
        stepsOf={stepsOf(loaded)}
        values={values}
        action={`${routingPath}/ny-version`}
        errors={errors}
      />,
    );

  router.get('/administration/routning/ny-version', signedIn, async (req, res) => {
    const loaded = await load(req, res);
    if (loaded) page(res, 200, loaded, initialValues(loaded.active));
  });

  router.post('/administration/routning/ny-version', signedIn, async (req, res) => {
    const loaded = await load(req, res);
    if (!loaded) return;
    const form = (req.body ?? {}) as Record<string, unknown>;
    const { table, values, origins, refusals } = applyRoutingForm(loaded.active, form, stepsOf(loaded), formMessages);
    // Another admin published meanwhile: the form is shown again from the version now active, nothing published.
    if (form.from !== loaded.active.version) {
      const fresh = { ...initialValues(loaded.active), version: values.version };
      return page(res, 409, loaded, fresh, { fields: {}, values: fresh, general: sv.admin.publishRouting.activeChanged(loaded.active.version) });
    }
    // The form's own refusals first (places in the order, units a changed case type lacks): nothing is published.
    if (Object.keys(refusals).length > 0) return page(res, 400, loaded, values, localErrors(refusals, values));
    const result = await invoke<RoutingView>('routing.publish', req, res, principal(res), { body: table });
    if (result.ok) return res.redirect(303, `${routingPath}?klart=publicerad&version=${encodeURIComponent(result.body.active.version)}`);
    if (result.status === 403) return refused(res, result);
    page(res, result.status, loaded, values, refusedFields(result, routingFieldKinds(loaded.active, stepsOf(loaded), values), origins, values));
  });
}
