import type { Client } from '@temporalio/client';
import type { AuthConfig, TrustProxy } from '../config';
import type { PrismaClient } from '../prisma/client';
import type { FieldCrypto } from '../security/fieldCrypto';
import type { PayloadCodec } from '@temporalio/common';
import type { SharedCounters } from './redis';

export interface ApiConfig {
  taskQueue: string;
  /** Token issuer, audience and keys. */
  auth: AuthConfig;
  /** Largest JSON body accepted. */
  bodyLimit?: string;
  /** Requests per minute per token subject. */
  rateLimitPerMinute?: number;
  /** Requests per minute per client address, counted before authentication. */
  addressRateLimitPerMinute?: number;
  /** Express's `trust proxy`: how the client's address is read through the proxies in front. */
  trustProxy?: TrustProxy;
  /** Refusal rows written in full per client address per window (default a minute); the rest are counted. */
  auditRefusals?: { perAddress: number; windowMs?: number };
  /** The Temporal Web UI's codec endpoint (/codec/decode, /codec/encode). */
  codec?: {
    codec: PayloadCodec;
    /** Largest batch body (default 256kb): read only after the operator's token is verified. */
    bodyLimit?: string;
    /** Requests per minute per operator (default 60). */
    perMinute?: number;
    corsOrigins: string[];
  };
}

export interface ApiDeps {
  temporal: Client;
  prisma: PrismaClient;
  config: ApiConfig;
  /** Encrypts the subject's personal data for the database and hashes the personnummer. */
  fieldCrypto: FieldCrypto;
  /** Where rate limits are counted for every API process (Redis); absent, each process counts its own. */
  sharedCounters?: SharedCounters;
}
