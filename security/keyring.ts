import { z } from 'zod';

/**
 * A set of AES-256 keys by id. The first key encrypts; every key decrypts, so rotating means
 * putting the new key first and keeping the old ones until nothing encrypted with them remains.
 */
export interface Keyring {
  /** Id of the key new data is encrypted with. */
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const keyId = /^[A-Za-z0-9_-]{1,32}$/;

/** Parses `k2:BASE64,k1:BASE64`. Errors name the key id, never the key material. */
export function parseKeyring(spec: string): Keyring {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('no keys given (expected id:base64,…)');
  const keys = new Map<string, Buffer>();
  for (const entry of entries) {
    const sep = entry.indexOf(':');
    const id = sep > 0 ? entry.slice(0, sep) : '';
    if (!keyId.test(id)) throw new Error('each key must be id:base64 with an id of letters, digits, _ or -');
    const key = Buffer.from(entry.slice(sep + 1), 'base64');
    if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes, base64-encoded`);
    if (keys.has(id)) throw new Error(`key ${id} is given twice`);
    keys.set(id, key);
  }
  return { currentId: entries[0].slice(0, entries[0].indexOf(':')), keys };
}

/** A zod field for a keyring variable, so config errors come out like every other one. */
export const keyringSchema = z.string().transform((spec, ctx) => {
  try {
    return parseKeyring(spec);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

export function keyFor(ring: Keyring, id: string): Buffer {
  const key = ring.keys.get(id);
  // The id is ours (metadata we wrote), not personal data, so it may be named.
  if (!key) throw new Error(`no key with id ${id} is configured; keep old keys until their data is gone`);
  return key;
}
