import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../prisma/client';

export interface ApiConfig {
  taskQueue: string;
  /** Largest JSON body accepted. */
  bodyLimit?: string;
}

export interface ApiDeps {
  temporal: Client;
  prisma: PrismaClient;
  config: ApiConfig;
}
