import { alongsideOf } from '../../domain/routing';
import type { ApiDeps } from '../context';
import type { ReferralBody } from '../schemas';
import { requireSourceAgency } from './sourceAgency';
import { matchReferral } from './startCase';

/** Where the routing table would send a referral, without starting anything: what a coordinator checks before starting the case. */
export async function previewReferral(deps: ApiDeps, referral: ReferralBody) {
  // Refused as the start would refuse it: an agency not in the registry.
  await requireSourceAgency(deps, referral.sourceAgency);
  const { table, rule } = await matchReferral(deps, referral);
  const caseType = rule?.then.caseType ?? ('triage' as const);
  return {
    tableVersion: table.version,
    ruleId: rule?.id ?? 'no-match',
    caseType,
    tracks: rule?.then.tracks ?? [],
    // A minor's youth concern starts beside a voluntary programme, as when the case starts.
    alongside: alongsideOf(caseType, referral.subject),
  };
}
