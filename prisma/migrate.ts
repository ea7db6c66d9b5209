// The project's migration command (`npm run db:migrate`). Prisma's native schema engine cannot
// be installed on our machines, so this applies prisma/migrations/*/migration.sql itself, while
// keeping Prisma's own bookkeeping (the `_prisma_migrations` table, sha256 checksums and the
// advisory lock key) so that a real `prisma migrate deploy` elsewhere accepts the result.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client, type ClientConfig } from 'pg';
import { ensureRoles, giveDatabaseToOwner, grantApp, rolesFor, type DatabaseRoles } from './roles';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/samverkan';

/** The advisory lock key Prisma Migrate uses on PostgreSQL, so our runs and its runs exclude each other. */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

export interface MigrateOptions {
  /** Receives one line per event; defaults to console.log. Never receives the password. */
  log?: (line: string) => void;
  /** Folder holding `<name>/migration.sql` folders; defaults to prisma/migrations. */
  migrationsDir?: string;
  /**
   * Least privilege (prisma/roles.ts): the roles are created where missing, the migrations run as
   * the owner, and the app role is granted what it needs. Unset: everything runs as the URL's user.
   */
  roles?: DatabaseRoles;
}

export interface MigrateResult {
  /** Names of the migrations applied by this run, in order. */
  applied: string[];
}

interface LocalMigration {
  name: string;
  bytes: Buffer;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

/** Prisma's own DDL for its history table (PostgreSQL flavour). */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** The URL with any password replaced, safe to print. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable database URL>';
  }
}

/** sha256 of the file's bytes, lowercase hex: what Prisma stores in `_prisma_migrations.checksum`. */
export function migrationChecksum(script: Buffer | string): string {
  return createHash('sha256').update(script).digest('hex');
}

/**
 * Old Prisma versions rendered each byte without zero padding; Prisma still accepts that form,
 * so we do too when comparing.
 */
function checksumMatches(stored: string, script: Buffer): boolean {
  const digest = createHash('sha256').update(script).digest();
  if (stored === digest.toString('hex')) return true;
  return stored === Array.from(digest, (b) => b.toString(16)).join('');
}

interface Target {
  database: string;
  schema: string;
  config: ClientConfig;
  maintenanceConfig: ClientConfig;
}

function parseTarget(databaseUrl: string): Target {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new MigrationError('DATABASE_URL is not a valid URL');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new MigrationError(`DATABASE_URL must be a postgresql:// URL, got ${url.protocol}//`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new MigrationError(`DATABASE_URL names no database: ${redactUrl(databaseUrl)}`);
  // `?schema=` is Prisma's parameter, not libpq's: honour it ourselves and hide it from pg.
  const schema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  const maintenance = new URL(url.toString());
  maintenance.pathname = '/postgres';
  return {
    database,
    schema,
    config: { connectionString: url.toString() },
    maintenanceConfig: { connectionString: maintenance.toString() },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function pgCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function connect(config: ClientConfig): Promise<Client> {
  const client = new Client(config);
  // An idle client whose server goes away emits 'error'; without a listener that kills the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return client;
}

/** Connects to the target database, creating it first (via the `postgres` DB) if it is missing. */
async function connectCreatingDatabase(target: Target, log: (line: string) => void): Promise<Client> {
  try {
    return await connect(target.config);
  } catch (err) {
    if (pgCode(err) !== '3D000') throw err; // 3D000 = invalid_catalog_name: database does not exist
  }
  const admin = await connect(target.maintenanceConfig);
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.database]);
    if (exists.rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE ${quoteIdent(target.database)}`);
        log(`Created database ${target.database}`);
      } catch (err) {
        // Another process created it between our check and our CREATE: 42P04 duplicate_database,
        // or 23505 when both inserts reach pg_database's unique index at the same moment.
        const code = pgCode(err);
        if (code !== '42P04' && code !== '23505') throw err;
      }
    }
  } finally {
    await admin.end();
  }
  return connect(target.config);
}

function defaultMigrationsDir(): string {
  const candidates = [
    path.join(__dirname, 'migrations'), // running from source (tsx, ts-jest)
    path.join(__dirname, '..', '..', 'prisma', 'migrations'), // running from dist/prisma
  ];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0];
}

function readLocalMigrations(migrationsDir: string): LocalMigration[] {
  if (!existsSync(migrationsDir)) throw new MigrationError(`Migrations folder not found: ${migrationsDir}`);
  const lockFile = path.join(migrationsDir, 'migration_lock.toml');
  if (existsSync(lockFile)) {
    const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(readFileSync(lockFile, 'utf8'))?.[1];
    if (provider !== undefined && provider !== 'postgresql') {
      throw new MigrationError(`${lockFile} is for provider "${provider}", not "postgresql"`);
    }
  }
  return readdirSync(migrationsDir)
    .filter((name) => statSync(path.join(migrationsDir, name)).isDirectory())
    .sort() // Prisma applies migrations in lexicographic order of their folder names
    .map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      if (!existsSync(file)) throw new MigrationError(`Migration ${name} has no migration.sql (${file})`);
      const bytes = readFileSync(file);
      return { name, bytes, checksum: migrationChecksum(bytes) };
    });
}

/**
 * Applies every migration folder not yet recorded in `_prisma_migrations`, in name order, each in
 * one transaction together with its history row. Refuses to run when an applied migration was
 * edited afterwards or when a recorded migration failed.
 */
export async function migrate(databaseUrl: string, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const migrationsDir = path.resolve(opts.migrationsDir ?? defaultMigrationsDir());
  const target = parseTarget(databaseUrl);
  const local = readLocalMigrations(migrationsDir);
  const where = redactUrl(databaseUrl);

  const client = await connectCreatingDatabase(target, log);
  try {
    if (target.schema !== 'public') {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target.schema)}`);
      await client.query(`SET search_path TO ${quoteIdent(target.schema)}`);
    }

    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      PRISMA_ADVISORY_LOCK_KEY,
    ]);
    if (!locked.rows[0].ok) {
      log('Waiting for another migration run to finish (advisory lock held)');
      await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    }
    try {
      // Everything below runs under the lock, so state read here cannot change under us.
      if (opts.roles) {
        await ensureRoles(client, opts.roles);
        await giveDatabaseToOwner(client, target, opts.roles);
        // From here on, what the migrations create belongs to the owner.
        await client.query(`SET ROLE ${quoteIdent(opts.roles.owner)}`);
      }
      await client.query(CREATE_MIGRATIONS_TABLE);
      const history = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at, logs
           FROM "_prisma_migrations" ORDER BY started_at ASC`,
      );
      const rows = history.rows.filter((row) => row.rolled_back_at === null);

      const failed = rows.find((row) => row.finished_at === null);
      if (failed) {
        throw new MigrationError(
          `Migration ${failed.migration_name} is recorded as failed in _prisma_migrations of ${where}; ` +
            'fix the database and mark it rolled back (or applied) before migrating again' +
            (failed.logs ? `. Recorded error: ${failed.logs}` : ''),
        );
      }

      const applied = new Map(rows.map((row) => [row.migration_name, row]));
      for (const migration of local) {
        const row = applied.get(migration.name);
        if (row && !checksumMatches(row.checksum, migration.bytes)) {
          throw new MigrationError(
            `Migration ${migration.name} was modified after it was applied to ${where}: ` +
              `recorded checksum ${row.checksum}, file checksum ${migration.checksum}. ` +
              'Never edit an applied migration; add a new one instead',
          );
        }
      }
      const localNames = new Set(local.map((m) => m.name));
      for (const row of rows) {
        if (!localNames.has(row.migration_name)) {
          log(`Warning: migration ${row.migration_name} is applied to the database but missing from ${migrationsDir}`);
        }
      }

      const done: string[] = [];
      for (const migration of local) {
        if (applied.has(migration.name)) continue;
        await applyOne(client, migration, where);
        done.push(migration.name);
        log(`Applied migration ${migration.name}`);
      }
      log(
        done.length === 0
          ? `No pending migrations; ${where} is up to date (0 applied)`
          : `Applied ${done.length} migration${done.length === 1 ? '' : 's'} to ${where}`,
      );
      if (opts.roles) {
        await grantApp(client, target.schema, opts.roles);
        log(`Tables owned by ${opts.roles.owner}; ${opts.roles.app.name} may read and write them, and only read and append to the audit trail`);
      }
      return { applied: done };
    } finally {
      await client.query('RESET ROLE').catch(() => undefined);
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

async function applyOne(client: Client, migration: LocalMigration, where: string): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    // No parameters: pg uses the simple query protocol, which runs a multi-statement script.
    await client.query(migration.bytes.toString('utf8'));
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = applied_steps_count + 1
        WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(
      `Migration ${migration.name} failed to apply to ${where} and was rolled back: ${errorMessage(err)}`,
    );
  }
}

/**
 * Migrates the app's database: connected as `migrateUrl` (an administrator, MIGRATE_DATABASE_URL)
 * when it differs from the app's user, with the least-privilege roles; else as the app's own user.
 */
export function migrateForApp(
  urls: { appUrl: string; migrateUrl?: string; ownerRole?: string },
  opts: Omit<MigrateOptions, 'roles'> = {},
): Promise<MigrateResult> {
  const migrateUrl = urls.migrateUrl ?? urls.appUrl;
  const database = (u: string) => parseTarget(u).database;
  if (database(migrateUrl) !== database(urls.appUrl)) {
    throw new MigrationError(`MIGRATE_DATABASE_URL names database ${database(migrateUrl)}, DATABASE_URL ${database(urls.appUrl)}: they must be the same`);
  }
  return migrate(migrateUrl, { ...opts, roles: rolesFor(urls.appUrl, migrateUrl, urls.ownerRole) });
}

if (require.main === module) {
  migrateForApp({
    appUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    migrateUrl: process.env.MIGRATE_DATABASE_URL || undefined,
    ownerRole: process.env.DATABASE_OWNER_ROLE || undefined,
  }).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`Migration failed: ${errorMessage(err)}`);
      process.exit(1);
    },
  );
}
