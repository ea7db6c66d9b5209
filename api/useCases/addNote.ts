import { randomUUID } from 'node:crypto';
import type { ApiDeps } from '../context';
import { noteContext, noteView } from './notes';
import { staffNames } from './staffNames';

/**
 * Adds a running note to a case, or to one of its tasks. The text is encrypted before it is
 * stored and is never put in an email, a log line or a workflow: notes live in PostgreSQL only.
 */
export async function addNote(deps: ApiDeps, on: { caseId: string; taskId?: string }, text: string, author: string) {
  const id = randomUUID();
  const row = await deps.prisma.note.create({
    data: { id, caseId: on.caseId, taskId: on.taskId ?? null, author, textEnc: deps.fieldCrypto.encrypt(text, noteContext(id)) },
  });
  return noteView(deps, row, await staffNames(deps, [author]));
}
