import { alongsideOf, routeReferral } from '../../domain/routing';
import type { ApiDeps } from '../context';
import { activeRoutingTable } from '../publishedVersions';
import type { ReferralBody } from '../schemas';

/** Where the routing table would send a referral, without starting anything: what a coordinator checks before starting the case. */
export async function previewReferral(deps: ApiDeps, referral: ReferralBody) {
  const table = await activeRoutingTable(deps);
  const rule = routeReferral(table, {
    sourceAgency: referral.sourceAgency,
    ageYears: referral.subject.ageYears,
    category: referral.category,
    district: referral.district,
    suspectedOfCrime: referral.suspectedOfCrime,
    urgency: referral.urgency,
  });
  return {
    tableVersion: table.version,
    ruleId: rule?.id ?? 'no-match',
    caseType: rule?.then.caseType ?? ('triage' as const),
    tracks: rule?.then.tracks ?? [],
    // A minor's youth concern starts beside a voluntary programme, as when the case starts.
    alongside: alongsideOf(rule, referral.subject),
  };
}
