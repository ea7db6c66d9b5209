import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { ConfigError, loadConfig } from '../../config';
import { createFieldCrypto } from '../../security/fieldCrypto';
import { parseKeyring } from '../../security/keyring';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, keyIdOf, UnencryptedPayloadError } from '../../security/payloadCodec';
import { isValidPersonnummer, normalisePersonnummer } from '../../security/personnummer';
import { rotatedPayloadKeysSpec, testKey, testKeyEnv, testPayloadKeysSpec } from '../support/keys';

const clear = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const text = (p: Payload) => Buffer.from(p.data ?? new Uint8Array()).toString();

describe('payload codec', () => {
  const k1 = new AesGcmPayloadCodec(parseKeyring(testPayloadKeysSpec));
  const rotated = new AesGcmPayloadCodec(parseKeyring(rotatedPayloadKeysSpec));
  const k2Only = new AesGcmPayloadCodec(parseKeyring(`k2:${testKey('payload-k2')}`));

  it('when a payload is encoded, then it is ciphertext naming its key, and decodes to the original', async () => {
    const [encoded] = await k1.encode([clear({ unit: 'soc-children-youth' })]);
    expect(Buffer.from(encoded.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(keyIdOf(encoded)).toBe('k1');
    expect(text(encoded)).not.toContain('soc-children-youth');
    const [decoded] = await k1.decode([encoded]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual({ unit: 'soc-children-youth' });
  });

  it('when the keys rotate, then new payloads use the new key and old ones still decode; a keyring without the old key refuses them', async () => {
    const [old] = await k1.encode([clear('before')]);
    const [fresh] = await rotated.encode([clear('after')]);
    expect(keyIdOf(fresh)).toBe('k2');
    expect((await rotated.decode([old, fresh])).map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['before', 'after']);
    await expect(k2Only.decode([old])).rejects.toThrow(/no key with id k1/);
  });

  it('when a payload in clear is decoded (say a signal {"granted": true} sent past the codec), then it is refused', async () => {
    await expect(k1.decode([clear({ granted: true })])).rejects.toThrow(UnencryptedPayloadError);
  });

  it('when the setting for replaying old histories is on, then a payload never encrypted passes through unchanged; when ciphertext is altered, then decoding fails', async () => {
    const replaying = new AesGcmPayloadCodec(parseKeyring(testPayloadKeysSpec), { acceptUnencrypted: true });
    const plain = clear('from an old history');
    expect(await replaying.decode([plain])).toEqual([plain]);
    const [encoded] = await k1.encode([clear('x')]);
    // Flip bits rather than set a value: a byte that already held the value would alter nothing (1 run in 256).
    const data = Buffer.from(encoded.data!);
    data[20] ^= 0xff;
    const tampered = { ...encoded, data };
    await expect(k1.decode([tampered])).rejects.toThrow();
  });
});

describe('keyring configuration', () => {
  it('when keys are malformed, then config names the variable and never the key material', () => {
    const base = testKeyEnv();
    expect(() => loadConfig({ ...base, PAYLOAD_KEYS: 'k1:c2hvcnQ=' })).toThrow(/PAYLOAD_KEYS: key k1 must be 32 bytes/);
    expect(() => loadConfig({ ...base, PII_KEYS: undefined })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, PAYLOAD_KEYS: `a:${testKey('x')},a:${testKey('y')}` })).toThrow(/given twice/);
    const message = (() => {
      try {
        loadConfig({ ...base, PII_HMAC_KEY: 'c2VjcmV0' });
        return 'accepted';
      } catch (err) {
        return String(err);
      }
    })();
    expect(message).toContain('PII_HMAC_KEY');
    expect(message).not.toContain('c2VjcmV0');
    const config = loadConfig({ ...base, PAYLOAD_KEYS: rotatedPayloadKeysSpec, RETENTION_AFTER: 'PT3S', RETENTION_EVERY: 'PT2S' });
    expect(config.crypto.payloadKeys.currentId).toBe('k2');
    expect([...config.crypto.payloadKeys.keys.keys()]).toEqual(['k2', 'k1']);
    expect(config.retention).toEqual({ after: 'PT3S', everyMs: 2000 });
    expect(() => loadConfig({ ...base, RETENTION_AFTER: 'two years' })).toThrow(/RETENTION_AFTER/);
  });
});

describe('personnummer', () => {
  it('when numbers are checked, then the checksum and date decide, coordination numbers are accepted, and every form normalises alike', () => {
    expect(isValidPersonnummer('20110312-2386')).toBe(true);
    expect(isValidPersonnummer('20110312-2387')).toBe(false); // wrong check digit
    expect(isValidPersonnummer('20110230-2386')).toBe(false); // no such date
    expect(isValidPersonnummer('20110372-2383')).toBe(true); // samordningsnummer: day + 60
    expect(isValidPersonnummer('not a number')).toBe(false);
    expect(['20110312-2386', '201103122386', '110312-2386', '1103122386'].map(normalisePersonnummer)).toEqual(Array(4).fill('201103122386'));
    expect(normalisePersonnummer('110372-2383')).toBe('201103722383');
  });
});

describe('field encryption and lookup hash', () => {
  const crypto = createFieldCrypto(parseKeyring(`p1:${testKey('p1')}`), Buffer.from(testKey('hmac'), 'base64'));
  const rotated = createFieldCrypto(parseKeyring(`p2:${testKey('p2')},p1:${testKey('p1')}`), Buffer.from(testKey('hmac'), 'base64'));

  it('when a value is encrypted, then only its own row and column decrypt it, and rotation keeps it readable', () => {
    const stored = crypto.encrypt('Kalle Testsson', 'case_subject.display_name:VPC-1');
    expect(stored).toMatch(/^p1:/);
    expect(stored).not.toContain('Kalle');
    expect(crypto.decrypt(stored, 'case_subject.display_name:VPC-1')).toBe('Kalle Testsson');
    expect(() => crypto.decrypt(stored, 'case_subject.narrative:VPC-1')).toThrow();
    expect(rotated.decrypt(stored, 'case_subject.display_name:VPC-1')).toBe('Kalle Testsson');
    expect(rotated.encrypt('x', 'c')).toMatch(/^p2:/);
  });

  it('when the same number is hashed twice, then the hashes match; a different key gives a different hash', () => {
    const other = createFieldCrypto(parseKeyring(`p1:${testKey('p1')}`), Buffer.from(testKey('other'), 'base64'));
    expect(crypto.lookupHash('201103122386')).toBe(crypto.lookupHash('201103122386'));
    expect(crypto.lookupHash('201103122386')).toMatch(/^[0-9a-f]{64}$/);
    expect(other.lookupHash('201103122386')).not.toBe(crypto.lookupHash('201103122386'));
  });
});
