import type { Request, Response, Router } from 'express';
import { hasRole } from '../../domain/auth';
import { named, sv } from '../../domain/catalog';
import { ErrorCode } from '../../domain/errors';
import type { PageKit } from '../kit';
import type { Invocation } from '../invoke';
import { PoliciesPage, PolicyPage, type PolicyVersionView } from '../views/policies';
import { RegistryPage, UnitPage, type RegistryFormErrors, type RegistryUnitView, type RegistryView, type UnitRefusal } from '../views/registry';
import { AgencyPage } from '../views/agency';
import { UnitDeletePage } from '../views/unitDelete';
import { RoutingPage, RoutingVersionPage, type RoutingVersionView, type RoutingView } from '../views/routing';
import { publishedNotice, routingPublishedNotice } from './publishing';
import { caseStepEntries, type CaseType, type PolicyDocument } from '../../domain/policy';
import type { UnitUse } from '../../api/views/common';

const registryCode = /^[a-z][a-z0-9-]{1,63}$/;
const unitFields = ['name', 'notificationEmail', 'supervisorEmail', 'headEmail'] as const;
const v = sv.admin.validation;
const t = sv.admin.registry;

/** The fields of a posted form, trimmed; anything else the form carried is dropped. */
function pick(body: unknown, names: readonly string[]): Record<string, string> {
  const form = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, typeof form[n] === 'string' ? (form[n] as string).trim() : '']));
}

/** A refused registry change as messages next to its fields: the schema's, or a taken code, or an unknown agency. */
function registryFieldErrors(result: Invocation<unknown>): Record<string, string> {
  if (result.ok) return {};
  if (result.error.code === ErrorCode.RegistryCodeTaken) return { code: v.codeTaken };
  if (result.error.code === ErrorCode.AgencyNotFound) return { agency: v.agencyNotFound };
  return Object.fromEntries((result.error.fields ?? []).map((f) => [f.field, v[f.field] ?? v.other]));
}

type PolicyRead = { caseType: string; version: string; activatedAt: string; document: PolicyDocument };

/** The steps of a policy that send the unit work (its tasks, or the wait for consent), in the order a case meets them. */
function stepsNaming(document: PolicyDocument, code: string): string[] {
  const steps = caseStepEntries(document.caseType as CaseType, Object.entries(document.steps));
  return steps.filter(([, step]) => step.unitCode === code || step.consent?.waitUnitCode === code).map(([key]) => named(sv.steps, key));
}

/** The routing rules that send the unit work, as Routning heads them. */
function rulesNaming(routing: RoutingView, code: string): string[] {
  return routing.active.rules.flatMap((rule, i) => (Object.values(rule.then.units ?? {}).includes(code) ? [sv.admin.routing.rule(i + 1, rule.id)] : []));
}

/** Registret, Policyer and Routning: the administrator's screens, each running the admin operations of the API. */
export function administrationRoutes(router: Router, kit: PageKit): void {
  const { base, invoke, send, refused, notFound, ctxOf, principal, signedIn, recordView } = kit;
  const registryPath = `${base}/administration/registret`;
  const unitPath = (code: string) => `${registryPath}/enheter/${encodeURIComponent(code)}`;
  const agencyPath = (code: string) => `${registryPath}/myndigheter/${encodeURIComponent(code)}`;
  const readRegistry = (req: Request, res: Response) => invoke<RegistryView>('registry.read', req, res, principal(res), {});

  /**
   * What still sends a unit work, in Swedish, from UNIT_IN_USE's `uses`, each version's steps or
   * rules read from it (a line without them if the read fails; the general line if `uses` names none).
   */
  async function unitInUseReasons(req: Request, res: Response, code: string, uses: UnitUse[] = []): Promise<string[]> {
    const u = sv.admin.unit;
    const lines: string[] = [];
    for (const use of uses) {
      if (use.kind === 'open-tasks') lines.push(u.inUseTasks(use.count));
      else if (use.kind === 'policy') {
        const policy = await invoke<PolicyRead>('policy.read', req, res, principal(res), { params: { caseType: use.caseType, version: use.version } });
        lines.push(u.inUsePolicy(named(sv.caseTypes, use.caseType), use.version, policy.ok ? stepsNaming(policy.body.document, code) : []));
      } else {
        const routing = await invoke<RoutingView>('routing.read', req, res, principal(res), {});
        lines.push(u.inUseRouting(use.version, routing.ok && routing.body.active.version === use.version ? rulesNaming(routing.body, code) : []));
      }
    }
    return lines.length ? lines : [u.inUseOther];
  }
  const findUnit = (registry: RegistryView, code: string) => {
    for (const agency of registry.agencies) {
      const unit = agency.units.find((u) => u.code === code);
      if (unit) return { unit, agencyName: agency.name };
    }
    return undefined;
  };

  router.get('/administration/registret', signedIn, async (req, res) => {
    const registry = await readRegistry(req, res);
    if (!registry.ok) return refused(res, registry);
    const code = typeof req.query.kod === 'string' && registryCode.test(req.query.kod) ? req.query.kod : undefined;
    const notices: Record<string, (code: string) => string> = { enhet: t.unitCreated, myndighet: t.agencyCreated, borttagen: t.unitDeleted };
    const notice = code ? notices[String(req.query.klart)]?.(code) : undefined;
    send(res, 200, <RegistryPage ctx={ctxOf(res)} registry={registry.body} notice={notice} />);
  });

  /** A refused add form: the registry again, the form as typed, the messages next to its fields. */
  async function refusedForm(req: Request, res: Response, result: Invocation<unknown>, form: 'unit' | 'agency', values: Record<string, string>) {
    const fields = registryFieldErrors(result);
    if (result.status === 403 || Object.keys(fields).length === 0) return refused(res, result);
    const registry = await readRegistry(req, res);
    if (!registry.ok) return refused(res, registry);
    send(res, result.status, <RegistryPage ctx={ctxOf(res)} registry={registry.body} errors={{ form, fields, values }} />);
  }

  router.post('/administration/registret/enheter', signedIn, async (req, res) => {
    const values = pick(req.body, ['agency', 'code', ...unitFields]);
    const result = await invoke<RegistryUnitView>('unit.create', req, res, principal(res), { body: values });
    if (!result.ok) return refusedForm(req, res, result, 'unit', values);
    res.redirect(303, `${registryPath}?klart=enhet&kod=${encodeURIComponent(result.body.code)}`);
  });

  router.post('/administration/registret/myndigheter', signedIn, async (req, res) => {
    const values = pick(req.body, ['code', 'name']);
    const result = await invoke<{ code: string }>('agency.create', req, res, principal(res), { body: values });
    if (!result.ok) return refusedForm(req, res, result, 'agency', values);
    res.redirect(303, `${registryPath}?klart=myndighet&kod=${encodeURIComponent(result.body.code)}`);
  });

  const unitNotices: Record<string, string> = {
    sparad: sv.admin.unit.saved,
    oforandrad: sv.admin.unit.unchanged,
    inaktiverad: sv.admin.unit.deactivated,
    aktiverad: sv.admin.unit.activated,
  };

  /** The unit's page, as it is now, with what the last change said. */
  async function unitPage(req: Request, res: Response, status: number, extra: { notice?: string; errors?: RegistryFormErrors; refusal?: UnitRefusal } = {}) {
    const registry = await readRegistry(req, res);
    if (!registry.ok) return refused(res, registry);
    const found = findUnit(registry.body, req.params.unitCode as string);
    if (!found) return notFound(res);
    send(res, status, <UnitPage ctx={ctxOf(res)} unit={found.unit} agencyName={found.agencyName} {...extra} />);
  }

  router.get('/administration/registret/enheter/:unitCode', signedIn, (req, res) => unitPage(req, res, 200, { notice: unitNotices[String(req.query.klart)] }));

  // A malformed code in the path is the one 404, like a unit that does not exist.
  const badPath = (result: Invocation<unknown>) => !result.ok && (result.error.fields ?? []).some((f) => f.field === 'unitCode');

  router.post('/administration/registret/enheter/:unitCode', signedIn, async (req, res) => {
    const code = req.params.unitCode as string;
    const values = pick(req.body, unitFields);
    const was = pick(req.body, unitFields.map((f) => `was_${f}`));
    // Only what the person changed is sent, so the audit row names just those fields.
    const changed = Object.fromEntries(unitFields.filter((f) => values[f] !== was[`was_${f}`]).map((f) => [f, values[f]]));
    if (Object.keys(changed).length === 0) {
      // Nothing to change runs no operation: still on record, and still for admins only.
      const allowed = hasRole(principal(res), 'admin');
      await recordView(req, res, allowed ? 303 : 403);
      if (!allowed) return refused(res, { status: 403 });
      return res.redirect(303, `${unitPath(code)}?klart=oforandrad`);
    }
    const result = await invoke('unit.update', req, res, principal(res), { params: { unitCode: code }, body: changed });
    if (result.ok) return res.redirect(303, `${unitPath(code)}?klart=sparad`);
    const fields = registryFieldErrors(result);
    if (result.status !== 400 || badPath(result)) return refused(res, result);
    await unitPage(req, res, 400, { errors: { form: 'edit', fields, values } });
  });

  router.post('/administration/registret/enheter/:unitCode/aktiv', signedIn, async (req, res) => {
    const code = req.params.unitCode as string;
    const active = (req.body as Record<string, unknown>).active === 'true';
    const result = await invoke('unit.update', req, res, principal(res), { params: { unitCode: code }, body: { active } });
    if (result.ok) return res.redirect(303, `${unitPath(code)}?klart=${active ? 'aktiverad' : 'inaktiverad'}`);
    if (result.error.code === ErrorCode.UnitInUse) return unitPage(req, res, 409, { refusal: { title: sv.admin.unit.inUseTitle, lines: await unitInUseReasons(req, res, code, result.error.uses) } });
    refused(res, badPath(result) ? { status: 404 } : result);
  });

  // Deleting a unit takes two steps: this page asks, and only its button deletes.
  router.get('/administration/registret/enheter/:unitCode/ta-bort', signedIn, async (req, res) => {
    const registry = await readRegistry(req, res);
    if (!registry.ok) return refused(res, registry);
    const found = findUnit(registry.body, req.params.unitCode as string);
    if (!found) return notFound(res);
    send(res, 200, <UnitDeletePage ctx={ctxOf(res)} unit={found.unit} agencyName={found.agencyName} />);
  });

  router.post('/administration/registret/enheter/:unitCode/ta-bort', signedIn, async (req, res) => {
    const code = req.params.unitCode as string;
    const result = await invoke('unit.delete', req, res, principal(res), { params: { unitCode: code }, body: {} });
    if (result.ok) return res.redirect(303, `${registryPath}?klart=borttagen&kod=${encodeURIComponent(code)}`);
    if (result.error.code !== ErrorCode.UnitInUse) return refused(res, badPath(result) ? { status: 404 } : result);
    // A unit that has held work stays in the cases' history; one that new cases would send work to says what does.
    const u = sv.admin.unit;
    const refusal =
      result.error.reason === 'has-history' ? { title: u.removeHistoryTitle, lines: [u.removeHistory] } : { title: u.removeInUseTitle, lines: await unitInUseReasons(req, res, code, result.error.uses) };
    await unitPage(req, res, 409, { refusal });
  });

  /** The agency's page, as it is now, with what the last rename said. */
  async function agencyPage(req: Request, res: Response, status: number, extra: { notice?: string; errors?: RegistryFormErrors } = {}) {
    const registry = await readRegistry(req, res);
    if (!registry.ok) return refused(res, registry);
    const agency = registry.body.agencies.find((a) => a.code === req.params.agencyCode);
    if (!agency) return notFound(res);
    send(res, status, <AgencyPage ctx={ctxOf(res)} agency={agency} {...extra} />);
  }

  router.get('/administration/registret/myndigheter/:agencyCode', signedIn, (req, res) => agencyPage(req, res, 200, { notice: req.query.klart === 'sparad' ? sv.admin.agency.saved : undefined }));

  router.post('/administration/registret/myndigheter/:agencyCode', signedIn, async (req, res) => {
    const code = req.params.agencyCode as string;
    const values = pick(req.body, ['name']);
    const result = await invoke('agency.update', req, res, principal(res), { params: { agencyCode: code }, body: values });
    if (result.ok) return res.redirect(303, `${agencyPath(code)}?klart=sparad`);
    // A malformed code in the path is the one 404; a refused name (the schema's) sits next to its field.
    const fields = registryFieldErrors(result);
    if ('agencyCode' in fields) return refused(res, { status: 404 });
    if ((result.status !== 400 && result.status !== 422) || !fields.name) return refused(res, result);
    await agencyPage(req, res, result.status, { errors: { form: 'rename', fields: { name: fields.name }, values } });
  });

  router.get('/administration/policyer', signedIn, async (req, res) => {
    const result = await invoke<{ items: PolicyVersionView[] }>('policy.list', req, res, principal(res), {});
    if (!result.ok) return refused(res, result);
    send(res, 200, <PoliciesPage ctx={ctxOf(res)} items={result.body.items} />);
  });

  router.get('/administration/policyer/:caseType/:version', signedIn, async (req, res) => {
    const params = { caseType: req.params.caseType as string, version: req.params.version as string };
    const policy = await invoke<{ caseType: string; version: string; activatedAt: string; document: PolicyDocument }>('policy.read', req, res, principal(res), { params });
    // No such version (422), or a malformed one (400): the one 404.
    if (!policy.ok) return refused(res, policy);
    const list = await invoke<{ items: PolicyVersionView[] }>('policy.list', req, res, principal(res), {});
    if (!list.ok) return refused(res, list);
    const active = list.body.items.some((i) => i.caseType === params.caseType && i.version === params.version && i.active);
    const notice = req.query.klart === 'publicerad' ? publishedNotice(params.caseType, params.version) : undefined;
    send(res, 200, <PolicyPage ctx={ctxOf(res)} policy={policy.body} active={active} notice={notice} />);
  });

  router.get('/administration/routning', signedIn, async (req, res) => {
    const result = await invoke<RoutingView>('routing.read', req, res, principal(res), {});
    // 422: no routing table is active yet; the page says so.
    if (!result.ok && result.status !== 422) return refused(res, result);
    const notice = req.query.klart === 'publicerad' ? routingPublishedNotice(req.query.version) : undefined;
    send(res, 200, <RoutingPage ctx={ctxOf(res)} routing={result.ok ? result.body : undefined} notice={notice} />);
  });

  router.get('/administration/routning/versioner/:version', signedIn, async (req, res) => {
    const result = await invoke<RoutingVersionView>('routing.version.read', req, res, principal(res), { params: { version: req.params.version as string } });
    // No such version (404), or a malformed one (400): the one 404.
    if (!result.ok) return refused(res, result);
    send(res, 200, <RoutingVersionPage ctx={ctxOf(res)} version={result.body} />);
  });
}
