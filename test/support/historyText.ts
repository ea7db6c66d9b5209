/**
 * Flattens a history into searchable text. Payloads are bytes inside the protobuf objects,
 * so a plain JSON.stringify would hide exactly what we look for; bytes are decoded as UTF-8.
 */
export function historyText(value: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (v === null || v === undefined) return;
    if (v instanceof Uint8Array) {
      parts.push(Buffer.from(v).toString('utf8'));
      return;
    }
    if (typeof v !== 'object') {
      parts.push(String(v));
      return;
    }
    if (seen.has(v)) return;
    seen.add(v);
    for (const child of Object.values(v as Record<string, unknown>)) walk(child);
  };
  walk(value);
  return parts.join('\n');
}
