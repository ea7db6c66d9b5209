import type { Client } from '@temporalio/client';
import type { AuthConfig } from '../config';
import type { PrismaClient } from '../prisma/client';
import type { FieldCrypto } from '../security/fieldCrypto';
import type { PayloadCodec } from '@temporalio/common';

export interface ApiConfig {
  taskQueue: string;
  /** Token issuer, audience and keys. */
  auth: AuthConfig;
  /** Largest JSON body accepted. */
  bodyLimit?: string;
  /** Requests per minute per token subject. */
  rateLimitPerMinute?: number;
  /** The Temporal Web UI's codec endpoint (/codec/decode, /codec/encode). */
  codec?: {
    codec: PayloadCodec;
    /** Hex SHA-256 of the operator token; unset disables the endpoint. */
    operatorTokenSha256?: string;
    corsOrigins: string[];
  };
}

export interface ApiDeps {
  temporal: Client;
  prisma: PrismaClient;
  config: ApiConfig;
  /** Encrypts the subject's personal data for the database and hashes the personnummer. */
  fieldCrypto: FieldCrypto;
}
