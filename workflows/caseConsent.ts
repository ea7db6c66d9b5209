import { condition, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import { sharingInForce, type ConsentFact, type ConsentSubject, type ConsentVerdict } from '../domain/consent';
import { consentSubjectOf } from '../domain/needToKnow';
import { consentChangedSignal, taskConsentSignal, type CaseWorkflowInput, type ConsentChangedInput, type TaskConsentInput } from '../domain/messages';

/** One consent as the case knows it: a role, never a name. Carried across continue-as-new. */
export interface ConsentRecord extends ConsentFact {
  consentId: string;
  /** When the coordinators get a re-confirmation task (set when the policy asks for one). */
  reconfirmAt?: string;
  /** The re-confirmation task for this consent has been opened. */
  reconfirming?: boolean;
}

type GateState = 'granted' | 'waiting' | 'refused';

interface Gate {
  agency: string;
  purpose: string;
  state: GateState;
}

const stateOf = (v: ConsentVerdict): GateState => (v.inForce ? 'granted' : v.reason === 'refused' ? 'refused' : 'waiting');
const given = (c: ConsentRecord) => c.status === 'given';
const answerOrder: Record<ConsentRecord['status'], number> = { given: 0, refused: 1, withdrawn: 2 };

/**
 * The case's consent register: what it was told (consentChanged), whether sharing is in force
 * for an agency and purpose (the one rule in domain/consent.ts), and the consent-gated tasks that
 * must hear of every change at once. Expiry ends consent like a withdrawal; a policy interval
 * before it, the coordinators get a re-confirmation task (`onReconfirm`, with the due time).
 */
export function createConsentRegister(input: CaseWorkflowInput, carried: ConsentRecord[], onReconfirm: (dueAt: string) => void) {
  const consents = new Map<string, ConsentRecord>(carried.map((c) => [c.consentId, c]));

  // The same subject the API's access check asks about (api/caseSharing.ts reads it from the case's start input).
  const subject: ConsentSubject = consentSubjectOf(input, input.policy);
  const verdict = (agency: string, purpose: string): ConsentVerdict => sharingInForce([...consents.values()], subject, agency, purpose, Date.now());

  // Running consent-gated tasks, so a change of consent reaches them at once.
  const gated = new Map<string, Gate>();
  const forward = async (expired = false) => {
    for (const [childId, gate] of gated) {
      const state = stateOf(verdict(gate.agency, gate.purpose));
      if (state === gate.state) continue;
      gate.state = state;
      const change: TaskConsentInput = { granted: state === 'granted' };
      if (state === 'refused') change.refused = true;
      else if (expired && state === 'waiting') change.expired = true;
      await getExternalWorkflowHandle(childId).signal(taskConsentSignal, change);
    }
  };

  let version = 0;
  setHandler(consentChangedSignal, async (change: ConsentChangedInput) => {
    // Delivered at least once (the API's reconciler re-delivers what it could not mark): kept by id,
    // and an answer only moves forward, so a late repeat of "given" cannot re-open what was
    // refused or withdrawn, nor a late "refused" undo its withdrawal.
    const known = consents.get(change.consentId);
    if (known && answerOrder[change.status] < answerOrder[known.status]) return;
    consents.set(change.consentId, { ...change, reconfirming: consents.get(change.consentId)?.reconfirming });
    version += 1;
    await forward();
  });

  // A consent renewed early (a later one of the same person, agency and purpose lasting longer) needs no re-confirmation.
  const renewed = (c: ConsentRecord) =>
    [...consents.values()].some(
      (d) => d !== c && given(d) && d.personRole === c.personRole && d.agency === c.agency && d.purpose === c.purpose && (!d.expiresAt || (c.expiresAt !== undefined && Date.parse(d.expiresAt) > Date.parse(c.expiresAt))),
    );

  // A timer runs to the next expiry or re-confirmation; with neither it waits without a timer,
  // so cases without expiries record no extra events.
  const watch = async (): Promise<never> => {
    for (;;) {
      const seen = version;
      const now = Date.now();
      const due = [...consents.values()].filter((c) => given(c) && c.reconfirmAt && !c.reconfirming && Date.parse(c.reconfirmAt) <= now && !renewed(c));
      if (due.length) {
        for (const c of due) c.reconfirming = true;
        const ends = due.map((c) => c.expiresAt).filter((t): t is string => t !== undefined);
        if (ends.length) onReconfirm(ends.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b)));
        continue;
      }
      const times = [...consents.values()]
        .filter(given)
        .flatMap((c) => [c.expiresAt, c.reconfirming ? undefined : c.reconfirmAt])
        .filter((t): t is string => t !== undefined && Date.parse(t) > now)
        .map((t) => Date.parse(t));
      if (!times.length) {
        await condition(() => version !== seen);
        continue;
      }
      const changed = await condition(() => version !== seen, Math.min(...times) - now);
      if (!changed) await forward(true);
    }
  };
  void watch();

  return {
    verdict,
    /** Follows a consent-gated task from its start; tells it at once if consent changed meanwhile. */
    async track(childId: string, gate: { agency: string; purpose: string; granted: boolean }): Promise<void> {
      gated.set(childId, { agency: gate.agency, purpose: gate.purpose, state: gate.granted ? 'granted' : 'waiting' });
      await forward();
    },
    untrack(childId: string): void {
      gated.delete(childId);
    },
    records: (): ConsentRecord[] => [...consents.values()],
  };
}
