import { defineOperation } from '../operation';
import { noteBody } from '../schemas';
import { caseParams, pageQuery, taskParams } from '../querySchemas';
import { addNote } from '../useCases/addNote';
import { listNotes } from '../useCases/listNotes';
import { notePageSchema, noteSchema } from '../views/note';

/** A read of notes records how many it returned (never their text). */
const read = <B extends { items: unknown[] }>(body: B) => ({ status: 200 as const, body, audit: { detail: { returned: body.items.length } } });

/** Running notes on a case and on a task: author and time, the text encrypted at rest. */
export const noteOperations = [
  defineOperation({
    id: 'case.note.add',
    method: 'post',
    path: '/cases/:caseId/notes',
    summary: 'Add a running note to a case (a coordinator, or staff of a unit with a task in it)',
    access: { roles: ['coordinator', 'staff'], scope: 'caseTaskHolder' },
    params: caseParams,
    body: noteBody,
    responses: { 201: noteSchema },
    handle: async ({ deps, caller, params, body }) => {
      const note = await addNote(deps, { caseId: params.caseId }, body.text, caller.sub);
      return { status: 201, body: note, audit: { detail: { noteId: note.noteId } } };
    },
  }),
  defineOperation({
    id: 'case.note.list',
    method: 'get',
    path: '/cases/:caseId/notes',
    summary: "A case's running notes, oldest first (its tasks' notes stay with their units)",
    access: { roles: ['coordinator', 'staff', 'supervisor'], scope: 'caseVisible' },
    params: caseParams,
    query: pageQuery,
    responses: { 200: notePageSchema },
    handle: async ({ deps, params, query }) => read(await listNotes(deps, { caseId: params.caseId }, query)),
  }),
  defineOperation({
    id: 'task.note.add',
    method: 'post',
    path: '/tasks/:taskId/notes',
    summary: "Add a running note to a task (a coordinator, or staff or a supervisor of the task's unit)",
    access: { roles: ['coordinator', 'staff', 'supervisor'], scope: 'taskVisible' },
    params: taskParams,
    body: noteBody,
    responses: { 201: noteSchema },
    handle: async ({ deps, caller, grant, params, body }) => {
      const note = await addNote(deps, { caseId: grant.caseId!, taskId: params.taskId }, body.text, caller.sub);
      return { status: 201, body: note, audit: { detail: { noteId: note.noteId } } };
    },
  }),
  defineOperation({
    id: 'task.note.list',
    method: 'get',
    path: '/tasks/:taskId/notes',
    summary: "A task's running notes, oldest first (a coordinator, or staff or a supervisor of the task's unit)",
    access: { roles: ['coordinator', 'staff', 'supervisor'], scope: 'taskVisible' },
    params: taskParams,
    query: pageQuery,
    responses: { 200: notePageSchema },
    handle: async ({ deps, grant, params, query }) => read(await listNotes(deps, { caseId: grant.caseId!, taskId: params.taskId }, query)),
  }),
];
