import { closeReasonText } from '../../domain/catalog';
import type { ApiDeps } from '../context';
import { staffNames } from './staffNames';

/**
 * A case's closings and reopenings, oldest first, with the staff directory's names for who acted;
 * a reopening's reason decrypted for this answer only.
 */
export async function caseEvents({ prisma, fieldCrypto }: ApiDeps, caseId: string) {
  const rows = await prisma.caseEvent.findMany({ where: { caseId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  const names = await staffNames({ prisma }, rows.map((r) => r.actor));
  return {
    items: rows.map((r) => ({
      action: r.action as 'closed' | 'reopened',
      actor: r.actor,
      actorName: names.get(r.actor) ?? null,
      reason: r.reason,
      reasonText: r.reason ? (closeReasonText[r.reason] ?? null) : null,
      fromStep: r.fromStep,
      note: r.noteEnc ? fieldCrypto.decrypt(r.noteEnc, `case_event.note:${r.id}`) : null,
      at: r.at.toISOString(),
    })),
  };
}
