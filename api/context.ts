import type { Client } from '@temporalio/client';
import type { AuthConfig } from '../config';
import type { PrismaClient } from '../prisma/client';

export interface ApiConfig {
  taskQueue: string;
  /** Token issuer, audience and keys. */
  auth: AuthConfig;
  /** Largest JSON body accepted. */
  bodyLimit?: string;
  /** Requests per minute per token subject. */
  rateLimitPerMinute?: number;
}

export interface ApiDeps {
  temporal: Client;
  prisma: PrismaClient;
  config: ApiConfig;
}
