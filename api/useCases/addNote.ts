import { randomUUID } from 'node:crypto';
import type { ApiDeps } from '../context';
import { noteContext, noteView } from './notes';
import { staffNames } from './staffNames';

/**
 * Records a running note on a case, or on one of its tasks. The text is encrypted before it is
 * stored and is never put in an email, a log line or a workflow: notes live in PostgreSQL only.
 * For a caller that answers with something else (a completion's note, a plan task's "about").
 */
export async function recordNote(deps: ApiDeps, on: { caseId: string; taskId?: string }, text: string, author: string) {
  const id = randomUUID();
  return deps.prisma.note.create({
    data: { id, caseId: on.caseId, taskId: on.taskId ?? null, author, textEnc: deps.fieldCrypto.encrypt(text, noteContext(id)) },
  });
}

/** Adds a running note and answers with it, its author named (a staff directory read only here, where the name is shown). */
export async function addNote(deps: ApiDeps, on: { caseId: string; taskId?: string }, text: string, author: string) {
  const row = await recordNote(deps, on, text, author);
  return noteView(deps, row, await staffNames(deps, [author]));
}
