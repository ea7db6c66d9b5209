import { sv } from '../../domain/catalog';

/**
 * A person as staff read them: "Name (id)" when the staff directory names them, the id alone when
 * it does not, and "id (du)" for the caller themselves.
 */
export function personLabel(userId: string, name: string | null, me: string | undefined): string {
  if (userId === me) return sv.inbox.you(userId);
  return name ? sv.task.personNamed(name, userId) : userId;
}
