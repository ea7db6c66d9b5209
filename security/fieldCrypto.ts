import { createHmac } from 'node:crypto';
import { open, seal } from './aesGcm';
import { keyFor, type Keyring } from './keyring';

/**
 * Application-level encryption of personal data columns. A stored value is
 * `<keyId>:<base64(iv ‖ ciphertext ‖ tag)>`; the AAD names the column and row, so a value
 * copied into another row or column does not decrypt.
 */
export interface FieldCrypto {
  encrypt(plain: string, context: string): string;
  decrypt(stored: string, context: string): string;
  /** Keyed hash (HMAC-SHA256, hex) for equality lookups without storing the value. */
  lookupHash(normalised: string): string;
}

export function createFieldCrypto(ring: Keyring, hmacKey: Buffer): FieldCrypto {
  if (hmacKey.length < 32) throw new Error('the lookup-hash key must be at least 32 bytes');
  return {
    encrypt(plain, context) {
      const keyId = ring.currentId;
      return `${keyId}:${seal(keyFor(ring, keyId), Buffer.from(plain, 'utf8'), context).toString('base64')}`;
    },
    decrypt(stored, context) {
      const sep = stored.indexOf(':');
      if (sep <= 0) throw new Error('stored value is not in keyId:ciphertext form');
      return open(keyFor(ring, stored.slice(0, sep)), Buffer.from(stored.slice(sep + 1), 'base64'), context).toString('utf8');
    },
    lookupHash(normalised) {
      return createHmac('sha256', hmacKey).update(normalised, 'utf8').digest('hex');
    },
  };
}
