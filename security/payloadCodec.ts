import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { open, seal } from './aesGcm';
import { keyFor, type Keyring } from './keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export interface PayloadCodecOptions {
  /**
   * Accept payloads that were never encrypted (PAYLOAD_ACCEPT_UNENCRYPTED): only to replay
   * histories recorded before this codec. Otherwise a clear payload is refused, so nobody who can
   * reach Temporal can signal a case in clear (say, `{"granted": true}` to a task waiting for consent).
   */
  acceptUnencrypted?: boolean;
}

/**
 * Encrypts every Temporal payload (AES-256-GCM) with the keyring's current key, and names the key
 * in the payload's metadata. Decoding picks the key by that id, so payloads written before a
 * rotation still decode. A payload that is not encrypted is refused (the workflow task fails and
 * retries, visibly, instead of acting on it) unless `acceptUnencrypted` is set.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(
    private readonly ring: Keyring,
    private readonly opts: PayloadCodecOptions = {},
  ) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.ring.currentId;
    const key = keyFor(this.ring, keyId);
    return payloads.map((payload) => ({
      metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(keyId) },
      data: seal(key, temporal.api.common.v1.Payload.encode(payload).finish(), keyId),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) {
        if (this.opts.acceptUnencrypted) return payload;
        throw new UnencryptedPayloadError();
      }
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
      if (!keyId || !payload.data) throw new Error('encrypted payload lacks its key id or data');
      const inner = open(keyFor(this.ring, keyId), payload.data, keyId);
      return temporal.api.common.v1.Payload.decode(inner) as Payload;
    });
  }
}

/** The key id an encoded payload was encrypted with, or undefined for a clear payload. */
export function keyIdOf(payload: Payload): string | undefined {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING ? text(payload.metadata?.[KEY_ID_METADATA]) : undefined;
}

/** The data converter for every Temporal client and worker of ours. */
export function encryptingDataConverter(ring: Keyring, opts: PayloadCodecOptions = {}): { payloadCodecs: PayloadCodec[] } {
  return { payloadCodecs: [new AesGcmPayloadCodec(ring, opts)] };
}

/** A payload in clear where only encrypted ones are accepted. Names no content. */
export class UnencryptedPayloadError extends Error {
  constructor() {
    super('the payload is not encrypted; set PAYLOAD_ACCEPT_UNENCRYPTED only to replay histories older than encryption');
    this.name = 'UnencryptedPayloadError';
  }
}

/** Whether a payload is one this codec encrypted (any key). */
export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}
