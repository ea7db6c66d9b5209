import { createHash } from 'node:crypto';
import { parseKeyring, type Keyring } from '../../security/keyring';
import { createFieldCrypto } from '../../security/fieldCrypto';

/** Fixed test keys (derived from labels, never used outside tests), so every run and process agrees. */
export const testKey = (label: string) => createHash('sha256').update(`samverkan-test-key:${label}`).digest('base64');

export const testPayloadKeysSpec = `k1:${testKey('payload-k1')}`;
export const rotatedPayloadKeysSpec = `k2:${testKey('payload-k2')},k1:${testKey('payload-k1')}`;
export const testPiiKeysSpec = `p1:${testKey('pii-p1')}`;
export const testPiiHmacKey = testKey('pii-hmac');

export const testPayloadKeys = (): Keyring => parseKeyring(testPayloadKeysSpec);
export const testFieldCrypto = () => createFieldCrypto(parseKeyring(testPiiKeysSpec), Buffer.from(testPiiHmacKey, 'base64'));

/** Environment for a worker or API process started by a test. */
export function testKeyEnv(payloadKeys = testPayloadKeysSpec): Record<string, string> {
  return { PAYLOAD_KEYS: payloadKeys, PII_KEYS: testPiiKeysSpec, PII_HMAC_KEY: testPiiHmacKey };
}
