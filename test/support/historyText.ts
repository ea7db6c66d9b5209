import type { Payload } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../../security/payloadCodec';
import { testPayloadKeys } from './keys';
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

/**
 * Like historyText, but with every encrypted payload decrypted first (with the test keys), so a
 * test can check what the workflow itself was given, not just what an operator can read.
 */
export async function decodedHistoryText(history: { events?: unknown[] | null }): Promise<string> {
  // A whole history also holds what the SDK core writes in clear (patch markers, search attributes).
  const codec = new AesGcmPayloadCodec(testPayloadKeys(), { acceptUnencrypted: true });
  const payloads: Payload[] = [];
  const seen = new Set<unknown>();
  const collect = (v: unknown): void => {
    if (!v || typeof v !== 'object' || v instanceof Uint8Array || seen.has(v)) return;
    seen.add(v);
    const o = v as Record<string, unknown>;
    if (o.data instanceof Uint8Array && o.metadata && typeof o.metadata === 'object') payloads.push(o as Payload);
    else Object.values(o).forEach(collect);
  };
  collect(history);
  const decoded = await codec.decode(payloads);
  return historyText(history) + '\n' + decoded.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');
}
