// The form pieces every page's forms share: a failed post's message, and each field's own error next to it.

/** What a failed form post says: a message at the top, and one per field next to it. */
export interface FormErrors {
  message: string;
  fields?: Record<string, string>;
  /** What the person had typed, shown again. */
  values?: Record<string, string>;
}

export function FieldError(props: { id: string; text?: string }) {
  return props.text ? (
    <p class="field-error" id={props.id}>
      {props.text}
    </p>
  ) : null;
}

/** What a failed post says above its form (the fields' own errors sit next to them). */
export function FormMessage(props: { errors?: FormErrors }) {
  return props.errors ? (
    <p class="notice error" role="alert">
      {props.errors.message}
    </p>
  ) : null;
}
