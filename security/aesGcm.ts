import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ivLength = 12;
const tagLength = 16;

/** AES-256-GCM: returns iv ‖ ciphertext ‖ tag. The AAD binds the ciphertext to where it belongs. */
export function seal(key: Buffer, plaintext: Uint8Array, aad?: string): Buffer {
  const iv = randomBytes(ivLength);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
  if (aad) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Inverse of seal; throws when the key, the AAD or the bytes do not match. */
export function open(key: Buffer, sealed: Uint8Array, aad?: string): Buffer {
  const buf = Buffer.from(sealed);
  if (buf.length < ivLength + tagLength) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, ivLength), { authTagLength: tagLength });
  if (aad) decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(buf.subarray(buf.length - tagLength));
  return Buffer.concat([decipher.update(buf.subarray(ivLength, buf.length - tagLength)), decipher.final()]);
}
