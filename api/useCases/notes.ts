import type { ApiDeps } from '../context';
import type { NoteView } from '../views/note';

/** AAD for a note's text: binds the ciphertext to its row. */
export const noteContext = (noteId: string) => `note.text:${noteId}`;

interface NoteRow {
  id: string;
  caseId: string;
  taskId: string | null;
  author: string;
  textEnc: string | null;
  createdAt: Date;
}

/** A note as its reader sees it: the text decrypted for this answer only, the author named from `names` (api/useCases/staffNames.ts). */
export function noteView({ fieldCrypto }: ApiDeps, row: NoteRow, names: ReadonlyMap<string, string>): NoteView {
  return {
    noteId: row.id,
    caseId: row.caseId,
    taskId: row.taskId,
    author: row.author,
    authorName: names.get(row.author) ?? null,
    createdAt: row.createdAt.toISOString(),
    text: row.textEnc === null ? null : fieldCrypto.decrypt(row.textEnc, noteContext(row.id)),
  };
}
