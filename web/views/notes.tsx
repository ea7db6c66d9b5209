import { formatDateTime } from '../format';
import { sv } from '../../domain/catalog';
import { Csrf, type PageContext } from './layout';
import { FieldError, type FormErrors } from './forms';
import { personLabel } from './person';

export interface NoteItem {
  noteId: string;
  author: string;
  /** The author's name in the staff directory; null when it has none. */
  authorName: string | null;
  createdAt: string;
  text: string | null;
}

/**
 * The protected-identity marker, above everything else on a case or task page: it tells the reader
 * how to handle the case before they act. It names no person, so it may show wherever the case does.
 */
export function ProtectedMarker(props: { marker: { marker: string } | null }) {
  return props.marker ? (
    <p class="protected" role="note">
      <strong>{props.marker.marker}</strong>
    </p>
  ) : null;
}

/** Running notes, oldest first, and (when the caller may write) a form to add one. */
export function Notes(props: { ctx: PageContext; items: NoteItem[] | undefined; action?: string; errors?: FormErrors; idPrefix: string }) {
  const { ctx, items, errors } = props;
  const n = sv.notes;
  const id = props.idPrefix;
  if (!items) return null;
  return (
    <section aria-labelledby={`${id}-rubrik`}>
      <h2 id={`${id}-rubrik`}>{n.title}</h2>
      {items.length === 0 ? (
        <p>{n.none}</p>
      ) : (
        <ol class="notes">
          {items.map((x) => (
            <li>
              <p class="note-meta">
                <time datetime={x.createdAt}>{formatDateTime(x.createdAt)}</time> {n.by(personLabel(x.author, x.authorName, ctx.principal?.sub))}
              </p>
              <p class="note-text">{x.text ?? n.removed}</p>
            </li>
          ))}
        </ol>
      )}
      {props.action && (
        <form method="post" action={props.action}>
          <Csrf ctx={ctx} />
          {errors && (
            <p class="notice error" role="alert">
              {errors.message}
            </p>
          )}
          <label for={`${id}-text`}>{n.add}</label>
          <FieldError id={`${id}-fel`} text={errors?.fields?.text} />
          <textarea
            id={`${id}-text`}
            name="text"
            rows={3}
            required
            maxLength={4000}
            aria-invalid={errors?.fields?.text ? 'true' : undefined}
            aria-describedby={errors?.fields?.text ? `${id}-fel` : undefined}
          >
            {errors?.values?.text ?? ''}
          </textarea>
          <p>
            <button type="submit">{n.addButton}</button>
          </p>
        </form>
      )}
    </section>
  );
}
