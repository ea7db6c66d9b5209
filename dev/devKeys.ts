import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface DevKeys {
  PAYLOAD_KEYS: string;
  PII_KEYS: string;
  PII_HMAC_KEY: string;
  /** Kept in files written before operators signed in with a token of their own; unused. */
  operatorToken?: string;
}

/**
 * `npm start` only: keys for a development machine, generated once into .data/dev-keys.json
 * (git-ignored with the rest of .data) so a restart can still decrypt what it wrote. Variables
 * already set in the environment win. Production sets all of them itself.
 */
export function applyDevKeys(dataDir: string, env: NodeJS.ProcessEnv = process.env): { file: string } {
  const file = join(dataDir, 'dev-keys.json');
  let keys: DevKeys;
  if (existsSync(file)) {
    keys = JSON.parse(readFileSync(file, 'utf8')) as DevKeys;
  } else {
    const key = () => randomBytes(32).toString('base64');
    keys = { PAYLOAD_KEYS: `dev1:${key()}`, PII_KEYS: `dev1:${key()}`, PII_HMAC_KEY: key() };
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  }
  env.PAYLOAD_KEYS ??= keys.PAYLOAD_KEYS;
  env.PII_KEYS ??= keys.PII_KEYS;
  env.PII_HMAC_KEY ??= keys.PII_HMAC_KEY;
  return { file };
}
