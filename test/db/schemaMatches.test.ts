// Proves that prisma/migrations, applied by our own prisma/migrate.ts, produce exactly the
// database that prisma/schema.prisma describes. The schema side comes from Prisma's own parser
// (@prisma/prisma-schema-wasm, the same engine build as the CLI), the database side from
// pg_catalog. Both are turned into the same shape and compared whole, so a missing or an extra
// table, column, index or foreign key fails the test.
//
// To see it fail, point it at a deliberately broken copy of the migrations:
//   cp -r prisma/migrations /tmp/broken && $EDITOR /tmp/broken/*/migration.sql
//   SCHEMA_TEST_MIGRATIONS_DIR=/tmp/broken npx jest test/db/schemaMatches.test.ts
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { Client } from 'pg';
import { migrate, migrationChecksum } from '../../prisma/migrate';

const ROOT = path.resolve(__dirname, '..', '..');
const SCHEMA_PATH = path.join(ROOT, 'prisma', 'schema.prisma');
const MIGRATIONS_DIR = process.env.SCHEMA_TEST_MIGRATIONS_DIR
  ? path.resolve(process.env.SCHEMA_TEST_MIGRATIONS_DIR)
  : path.join(ROOT, 'prisma', 'migrations');
const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
/** PostgreSQL's NAMEDATALEN - 1; Prisma truncates default constraint names to fit it. */
const MAX_IDENTIFIER_LENGTH = 63;

jest.setTimeout(120_000);

// ---------------------------------------------------------------------------------------------
// The shape both sides are reduced to.

interface ColumnShape {
  type: string; // as pg's format_type() prints it, e.g. "timestamp(3) with time zone"
  nullable: boolean;
  default: string | null; // as pg_get_expr() prints it; null when the DB has no default
}
interface IndexShape {
  kind: 'primary' | 'unique' | 'normal';
  columns: string[]; // in index order
  descending: boolean[];
  /** A partial index's predicate, normalised (see wherePredicate); absent for a full index. */
  where?: string;
}
interface ForeignKeyShape {
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: string; // Prisma's referential action names: Cascade, Restrict, NoAction, SetNull, SetDefault
  onUpdate: string;
}
interface TableShape {
  columns: Record<string, ColumnShape>;
  indexes: Record<string, IndexShape>;
  foreignKeys: Record<string, ForeignKeyShape>;
}
type DatabaseShape = Record<string, TableShape>;

// ---------------------------------------------------------------------------------------------
// Schema side: Prisma's DMMF (only the parts we read).

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string; sortOrder?: 'asc' | 'desc'; length?: number; operatorClass?: string }[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName?: string | null }[];
    indexes: DmmfIndex[];
  };
}

function loadDmmf(): Dmmf {
  const prismaSchema = readFileSync(SCHEMA_PATH, 'utf8');
  return JSON.parse(get_dmmf(JSON.stringify({ prismaSchema }))) as Dmmf;
}

/**
 * A partial index's predicate, compared loosely: PostgreSQL prints `(status <> 'sent'::text)` for
 * the schema's `raw("status <> 'sent'")`, so casts, brackets, identifier quotes and spaces go.
 */
const wherePredicate = (sql: string): string => sql.replace(/::[a-z ]+/g, '').replace(/[()"\s]/g, '').toLowerCase();

/** Partial indexes by name: the DMMF leaves out `where: raw(...)` (preview feature partialIndexes), so it is read from the text. */
function partialIndexPredicates(): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of readFileSync(SCHEMA_PATH, 'utf8').matchAll(/map:\s*"([^"]+)",\s*where:\s*raw\("((?:[^"\\]|\\.)*)"\)/g)) {
    found.set(m[1], wherePredicate(m[2]));
  }
  return found;
}

const tableName = (model: DmmfModel): string => model.dbName ?? model.name;
const columnName = (field: DmmfField): string => field.dbName ?? field.name;

/** Prisma's default constraint/index name: `{table}_{columns}_{suffix}`, cut to fit 63 chars. */
function prismaDefaultName(table: string, columns: string[], suffix: 'pkey' | 'key' | 'idx' | 'fkey'): string {
  let base = suffix === 'pkey' ? table : `${table}_${columns.join('_')}`;
  const room = MAX_IDENTIFIER_LENGTH - suffix.length - 1;
  if (base.length > room) base = base.slice(0, room);
  return `${base}_${suffix}`;
}

/** The PostgreSQL type Prisma's migration creates for a field, spelled the way format_type() prints it. */
function expectedColumnType(field: DmmfField, dmmf: Dmmf): string {
  let type: string;
  if (field.kind === 'enum') {
    const enumDef = dmmf.datamodel.enums.find((e) => e.name === field.type);
    type = enumDef?.dbName ?? field.type;
  } else if (field.nativeType) {
    const [native, args] = field.nativeType;
    const precision = args.length > 0 ? `(${args.join(',')})` : '';
    switch (native) {
      case 'Uuid': type = 'uuid'; break;
      case 'Text': type = 'text'; break;
      case 'VarChar': type = `character varying${precision}`; break;
      case 'Char': type = `character${precision || '(1)'}`; break;
      case 'Integer': type = 'integer'; break;
      case 'SmallInt': type = 'smallint'; break;
      case 'BigInt': type = 'bigint'; break;
      case 'Boolean': type = 'boolean'; break;
      case 'DoublePrecision': type = 'double precision'; break;
      case 'Real': type = 'real'; break;
      case 'Decimal': type = `numeric${precision}`; break;
      case 'Money': type = 'money'; break;
      case 'Timestamptz': type = `timestamp${precision} with time zone`; break;
      case 'Timestamp': type = `timestamp${precision} without time zone`; break;
      case 'Timetz': type = `time${precision} with time zone`; break;
      case 'Time': type = `time${precision} without time zone`; break;
      case 'Date': type = 'date'; break;
      case 'JsonB': type = 'jsonb'; break;
      case 'Json': type = 'json'; break;
      case 'ByteA': type = 'bytea'; break;
      case 'Inet': type = 'inet'; break;
      case 'Xml': type = 'xml'; break;
      default:
        throw new Error(`schemaMatches.test.ts does not know native type @db.${native} (${field.name}); extend expectedColumnType`);
    }
  } else {
    const scalar: Record<string, string> = {
      String: 'text',
      Int: 'integer',
      BigInt: 'bigint',
      Float: 'double precision',
      Decimal: 'numeric(65,30)',
      Boolean: 'boolean',
      DateTime: 'timestamp(3) without time zone',
      Json: 'jsonb',
      Bytes: 'bytea',
    };
    const mapped = scalar[field.type];
    if (!mapped) throw new Error(`schemaMatches.test.ts does not know scalar type ${field.type} (${field.name})`);
    type = mapped;
  }
  return field.isList ? `${type}[]` : type;
}

/** The database default Prisma's migration creates for a field (client-side defaults create none). */
function expectedColumnDefault(field: DmmfField, type: string): string | null {
  const value = field.default;
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return type === 'text' ? `'${value.replace(/'/g, "''")}'::text` : `'${value}'::${type}`;
  const fn = value as { name?: string; args?: unknown[] };
  switch (fn.name) {
    case 'now':
      return 'CURRENT_TIMESTAMP';
    case 'uuid':
    case 'cuid':
    case 'ulid':
    case 'nanoid':
      return null; // generated by Prisma Client, not by the database
    case 'dbgenerated':
      return fn.args && fn.args.length > 0 ? String(fn.args[0]) : null;
    default:
      throw new Error(`schemaMatches.test.ts does not know @default(${fn.name}()) on ${field.name}; extend expectedColumnDefault`);
  }
}

function expectedShape(dmmf: Dmmf): DatabaseShape {
  const shape: DatabaseShape = {};
  const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
  for (const model of dmmf.datamodel.models) {
    const table = tableName(model);
    const fieldsByName = new Map(model.fields.map((f) => [f.name, f]));
    const col = (fieldName: string, owner: DmmfModel = model): string => {
      const field = owner.fields.find((f) => f.name === fieldName);
      if (!field) throw new Error(`${owner.name}.${fieldName} not found in DMMF`);
      return columnName(field);
    };

    const columns: Record<string, ColumnShape> = {};
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      if (field.kind === 'unsupported') throw new Error(`Unsupported field ${model.name}.${field.name}`);
      const type = expectedColumnType(field, dmmf);
      columns[columnName(field)] = {
        type,
        nullable: !field.isRequired,
        default: expectedColumnDefault(field, type),
      };
    }

    const indexes: Record<string, IndexShape> = {};
    const partial = partialIndexPredicates();
    for (const index of dmmf.datamodel.indexes.filter((i) => i.model === model.name)) {
      if (index.type === 'fulltext') throw new Error(`Full-text index on ${model.name} is not supported by PostgreSQL`);
      const cols = index.fields.map((f) => col(f.name));
      const kind = index.type === 'id' ? 'primary' : index.type;
      const suffix = index.type === 'id' ? 'pkey' : index.type === 'unique' ? 'key' : 'idx';
      const name = index.dbName ?? prismaDefaultName(table, cols, suffix);
      const where = partial.get(name);
      indexes[name] = {
        kind,
        columns: cols,
        descending: index.fields.map((f) => f.sortOrder === 'desc'),
        ...(where ? { where } : {}),
      };
    }

    const foreignKeys: Record<string, ForeignKeyShape> = {};
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields || field.relationFromFields.length === 0) continue;
      const target = models.get(field.type);
      if (!target) throw new Error(`Relation target ${field.type} not found`);
      const cols = field.relationFromFields.map((f) => col(f));
      const allRequired = field.relationFromFields.every((f) => fieldsByName.get(f)?.isRequired);
      // Prisma's defaults: Restrict when the relation is required, SetNull when optional; Cascade on update.
      foreignKeys[prismaDefaultName(table, cols, 'fkey')] = {
        columns: cols,
        referencedTable: tableName(target),
        referencedColumns: (field.relationToFields ?? []).map((f) => col(f, target)),
        onDelete: field.relationOnDelete ?? (allRequired ? 'Restrict' : 'SetNull'),
        onUpdate: field.relationOnUpdate ?? 'Cascade',
      };
    }

    shape[table] = { columns, indexes, foreignKeys };
  }
  return shape;
}

// ---------------------------------------------------------------------------------------------
// Database side: pg_catalog.

const PG_ACTIONS: Record<string, string> = {
  a: 'NoAction',
  r: 'Restrict',
  c: 'Cascade',
  n: 'SetNull',
  d: 'SetDefault',
};

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function actualShape(url: string): Promise<DatabaseShape> {
  return withClient(url, async (client) => {
    const shape: DatabaseShape = {};
    const tables = await client.query<{ table: string }>(
      `SELECT c.relname::text AS table
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
          AND c.relname <> '_prisma_migrations'`,
    );
    for (const { table } of tables.rows) shape[table] = { columns: {}, indexes: {}, foreignKeys: {} };

    const columns = await client.query<{ table: string; column: string; type: string; not_null: boolean; default: string | null }>(
      `SELECT c.relname::text AS table, a.attname::text AS column,
              format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
              pg_get_expr(d.adbin, d.adrelid) AS default
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
          AND a.attnum > 0 AND NOT a.attisdropped`,
    );
    for (const row of columns.rows) {
      const table = shape[row.table];
      if (!table) continue; // _prisma_migrations
      table.columns[row.column] = { type: row.type, nullable: !row.not_null, default: row.default };
    }

    const indexes = await client.query<{
      table: string; name: string; primary: boolean; unique: boolean; method: string;
      partial: boolean; predicate: string | null; key_count: number; columns: string[]; options: number[];
    }>(
      `SELECT t.relname::text AS table, i.relname::text AS name, ix.indisprimary AS primary,
              ix.indisunique AS unique, am.amname::text AS method, ix.indpred IS NOT NULL AS partial,
              pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
              ix.indnkeyatts::int AS key_count,
              ARRAY(SELECT a.attname::text
                      FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                     ORDER BY k.ord) AS columns,
              ix.indoption::int2[]::int[] AS options
         FROM pg_index ix
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_am am ON am.oid = i.relam
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema() AND t.relname <> '_prisma_migrations'`,
    );
    for (const row of indexes.rows) {
      // Anything Prisma would not create (expression, non-btree, INCLUDE columns) shows up as a
      // difference rather than being silently ignored; a partial index carries its predicate.
      const exotic = row.method !== 'btree' || row.columns.length !== row.key_count;
      shape[row.table].indexes[row.name] = {
        kind: row.primary ? 'primary' : row.unique ? 'unique' : 'normal',
        columns: exotic ? [`<${row.method} index: ${row.columns.join(', ')}>`] : row.columns,
        descending: row.options.slice(0, row.key_count).map((o) => (o & 1) === 1),
        ...(row.partial && row.predicate ? { where: wherePredicate(row.predicate) } : {}),
      };
    }

    const fks = await client.query<{
      table: string; name: string; ref_table: string; columns: string[]; ref_columns: string[];
      on_delete: string; on_update: string;
    }>(
      `SELECT t.relname::text AS table, con.conname::text AS name, rt.relname::text AS ref_table,
              ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                     ORDER BY k.ord) AS columns,
              ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                     ORDER BY k.ord) AS ref_columns,
              con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
         FROM pg_constraint con
         JOIN pg_class t ON t.oid = con.conrelid
         JOIN pg_class rt ON rt.oid = con.confrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE con.contype = 'f' AND n.nspname = current_schema()`,
    );
    for (const row of fks.rows) {
      shape[row.table].foreignKeys[row.name] = {
        columns: row.columns,
        referencedTable: row.ref_table,
        referencedColumns: row.ref_columns,
        onDelete: PG_ACTIONS[row.on_delete] ?? row.on_delete,
        onUpdate: PG_ACTIONS[row.on_update] ?? row.on_update,
      };
    }
    return shape;
  });
}

/** One aspect of every table, so a failure diff shows only what differs in that aspect. */
function pick<K extends keyof TableShape>(shape: DatabaseShape, key: K): Record<string, TableShape[K]> {
  return Object.fromEntries(Object.entries(shape).map(([table, t]) => [table, t[key]]));
}

// ---------------------------------------------------------------------------------------------
// Databases used by this file.

const suffix = randomBytes(4).toString('hex');
const createdDatabases: string[] = [];

/**
 * A database URL on the test server for a name nobody else uses (dropped in afterAll). It always
 * carries a password, so the tests can check it never reaches the log: with trust auth (our
 * machines) any password is accepted; a real one in TEST_DATABASE_SERVER_URL is kept.
 */
function freshDatabaseUrl(label: string): { url: string; password: string } {
  const name = `samverkan_schema_${label}_${suffix}`;
  createdDatabases.push(name);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  if (!url.password) url.password = `never-log-me-${suffix}`;
  return { url: url.toString(), password: decodeURIComponent(url.password) };
}

function maintenanceUrl(): string {
  const url = new URL(SERVER_URL);
  url.pathname = '/postgres';
  return url.toString();
}

function migrationFolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort();
}

function copyMigrations(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'samverkan-migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

const tempDirs: string[] = [];

afterAll(async () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  await withClient(maintenanceUrl(), async (admin) => {
    for (const name of createdDatabases) {
      await admin.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('a database migrated from prisma/migrations', () => {
  const main = freshDatabaseUrl('main');
  const dmmf = loadDmmf();
  const expected = expectedShape(dmmf);
  let actual: DatabaseShape;
  let firstRun: { applied: string[] };
  const firstRunLog: string[] = [];

  beforeAll(async () => {
    firstRun = await migrate(main.url, { migrationsDir: MIGRATIONS_DIR, log: (line) => firstRunLog.push(line) });
    actual = await actualShape(main.url);
  });

  test('when migrate runs on a database that does not exist, then it creates it, applies every migration folder in order and records each as Prisma does', async () => {
    const folders = migrationFolders(MIGRATIONS_DIR);
    expect(folders.length).toBeGreaterThan(0);
    expect(firstRun.applied).toEqual(folders);
    for (const name of folders) expect(firstRunLog).toContain(`Applied migration ${name}`);
    expect(firstRunLog[firstRunLog.length - 1]).toMatch(new RegExp(`\\b${folders.length} migrations?\\b`));
    for (const line of firstRunLog) expect(line).not.toContain(main.password);

    await withClient(main.url, async (client) => {
      const rows = await client.query<{ migration_name: string; checksum: string; done: boolean; steps: number; rolled_back: boolean }>(
        `SELECT migration_name, checksum, finished_at IS NOT NULL AS done, applied_steps_count AS steps,
                rolled_back_at IS NOT NULL AS rolled_back
           FROM _prisma_migrations ORDER BY migration_name`,
      );
      expect(rows.rows).toEqual(
        folders.map((name) => ({
          migration_name: name,
          checksum: migrationChecksum(readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'))),
          done: true,
          steps: 1,
          rolled_back: false,
        })),
      );
    });
  });

  test("when the history table is inspected, then it has Prisma's own _prisma_migrations columns", async () => {
    await withClient(main.url, async (client) => {
      const cols = await client.query(
        `SELECT column_name, data_type, character_maximum_length AS max_length, is_nullable, column_default
           FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = '_prisma_migrations'
          ORDER BY ordinal_position`,
      );
      expect(cols.rows).toEqual([
        { column_name: 'id', data_type: 'character varying', max_length: 36, is_nullable: 'NO', column_default: null },
        { column_name: 'checksum', data_type: 'character varying', max_length: 64, is_nullable: 'NO', column_default: null },
        { column_name: 'finished_at', data_type: 'timestamp with time zone', max_length: null, is_nullable: 'YES', column_default: null },
        { column_name: 'migration_name', data_type: 'character varying', max_length: 255, is_nullable: 'NO', column_default: null },
        { column_name: 'logs', data_type: 'text', max_length: null, is_nullable: 'YES', column_default: null },
        { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', max_length: null, is_nullable: 'YES', column_default: null },
        { column_name: 'started_at', data_type: 'timestamp with time zone', max_length: null, is_nullable: 'NO', column_default: 'now()' },
        { column_name: 'applied_steps_count', data_type: 'integer', max_length: null, is_nullable: 'NO', column_default: '0' },
      ]);
      const pk = await client.query(
        `SELECT a.attname::text AS column FROM pg_index ix
           JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ANY(ix.indkey)
          WHERE ix.indrelid = '_prisma_migrations'::regclass AND ix.indisprimary`,
      );
      expect(pk.rows).toEqual([{ column: 'id' }]);
    });
  });

  test('when it is compared with schema.prisma, then every model has its table and there is no other table', () => {
    expect(Object.keys(expected).length).toBe(dmmf.datamodel.models.length);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  });

  test('when it is compared with schema.prisma, then every column has the declared type, nullability and default, and there is no other column', () => {
    expect(pick(actual, 'columns')).toEqual(pick(expected, 'columns'));
  });

  test('when it is compared with schema.prisma, then every primary key, unique index and @@index exists with Prisma’s name, kind and column order', () => {
    expect(pick(actual, 'indexes')).toEqual(pick(expected, 'indexes'));
  });

  test('when it is compared with schema.prisma, then every relation has its foreign key with the declared columns and referential actions', () => {
    expect(pick(actual, 'foreignKeys')).toEqual(pick(expected, 'foreignKeys'));
  });

  test('when migrate runs a second time, then it applies nothing and leaves the history unchanged', async () => {
    const count = async () =>
      withClient(main.url, async (c) => (await c.query('SELECT count(*)::int AS n FROM _prisma_migrations')).rows[0].n as number);
    const before = await count();
    const log: string[] = [];
    const second = await migrate(main.url, { migrationsDir: MIGRATIONS_DIR, log: (line) => log.push(line) });
    expect(second.applied).toEqual([]);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/\b0 applied\b/);
    expect(await count()).toBe(before);
  });
});

describe('the comparison itself', () => {
  test('when one column of a migration differs from schema.prisma, then the comparison reports exactly that column', async () => {
    const dir = copyMigrations();
    tempDirs.push(dir);
    const [first] = migrationFolders(dir);
    const file = path.join(dir, first, 'migration.sql');
    const sql = readFileSync(file, 'utf8');
    // In the copy, turn the first TEXT column into VARCHAR(255) (still compatible with any
    // foreign key that references it, so the migration itself still applies).
    const column = /^ {4}"([^"]+)" TEXT\b/m.exec(sql);
    if (!column) throw new Error(`no TEXT column found in ${first}/migration.sql`);
    const table = [...sql.slice(0, column.index).matchAll(/^CREATE TABLE "([^"]+)"/gm)].pop()?.[1];
    const broken = `${sql.slice(0, column.index)}    "${column[1]}" VARCHAR(255)${sql.slice(column.index + column[0].length)}`;
    writeFileSync(file, broken);

    const { url } = freshDatabaseUrl('broken');
    await migrate(url, { migrationsDir: dir, log: () => undefined });
    const expected = expectedShape(loadDmmf());
    const actual = await actualShape(url);

    expect(pick(actual, 'columns')).not.toEqual(pick(expected, 'columns'));
    const differing = Object.entries(expected).flatMap(([table, t]) =>
      Object.entries(t.columns)
        .filter(([column, shape]) => JSON.stringify(actual[table]?.columns[column]) !== JSON.stringify(shape))
        .map(([column]) => `${table}.${column}`),
    );
    expect(differing).toEqual([`${table}.${column[1]}`]);
  });
});

describe('migrate refusing unsafe histories', () => {
  test('when an applied migration was edited afterwards, then migrate refuses and names the migration', async () => {
    const dir = copyMigrations();
    tempDirs.push(dir);
    const { url } = freshDatabaseUrl('edited');
    await migrate(url, { migrationsDir: dir, log: () => undefined });

    const [first] = migrationFolders(dir);
    appendFileSync(path.join(dir, first, 'migration.sql'), '\n-- edited after it was applied\n');
    await expect(migrate(url, { migrationsDir: dir, log: () => undefined })).rejects.toThrow(
      new RegExp(`Migration ${first} was modified after it was applied`),
    );
  });

  test('when a recorded migration failed, then migrate refuses and names it', async () => {
    const dir = copyMigrations();
    tempDirs.push(dir);
    const { url } = freshDatabaseUrl('failed');
    await migrate(url, { migrationsDir: dir, log: () => undefined });
    await withClient(url, (c) =>
      c.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs)
         VALUES ('00000000-0000-4000-8000-000000000001', repeat('0', 64), '29990101000000_broken', 'boom')`,
      ),
    );
    await expect(migrate(url, { migrationsDir: dir, log: () => undefined })).rejects.toThrow(
      /Migration 29990101000000_broken is recorded as failed/,
    );
  });

  test('when two migrate runs start at once on a new database, then both succeed and each migration is applied once', async () => {
    const { url } = freshDatabaseUrl('race');
    const runs = await Promise.all([
      migrate(url, { migrationsDir: MIGRATIONS_DIR, log: () => undefined }),
      migrate(url, { migrationsDir: MIGRATIONS_DIR, log: () => undefined }),
    ]);
    const folders = migrationFolders(MIGRATIONS_DIR);
    expect([...runs[0].applied, ...runs[1].applied].sort()).toEqual(folders);
    const rows = await withClient(url, async (c) =>
      (await c.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations ORDER BY 1')).rows,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(folders);
  });
});
