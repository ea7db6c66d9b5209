// Least-privilege database roles, set up by the migrate command (prisma/migrate.ts). The migration
// owner (NOLOGIN) owns every table and runs the migrations: the migrate command connects as an
// administrator and switches to it with SET ROLE. The app role logs in, is no superuser, owns
// nothing, and may read and write the tables; the audit trail only SELECT and INSERT. What is
// not granted (ALTER, DISABLE TRIGGER, TRUNCATE, SET session_replication_role) PostgreSQL refuses.
import type { Client } from 'pg';

export interface DatabaseRoles {
  /** Owns the schema's objects; never logs in. */
  owner: string;
  /** What the application logs in as (DATABASE_URL's user); its password is (re)set when given. */
  app: { name: string; password?: string };
}

/** Owner role name when DATABASE_OWNER_ROLE is unset. */
export const DEFAULT_OWNER_ROLE = 'samverkan_owner';

/** Tables the app may only read and append to. */
export const APPEND_ONLY_TABLES = ['audit_event'];

/** The roles the app's URL asks for, or none when the app and the migration connect as one user (dev, tests' own migrations). */
export function rolesFor(appUrl: string, migrateUrl: string, owner = DEFAULT_OWNER_ROLE): DatabaseRoles | undefined {
  const app = new URL(appUrl);
  const admin = new URL(migrateUrl);
  const user = (u: URL) => decodeURIComponent(u.username || 'postgres');
  if (user(app) === user(admin)) return undefined;
  return { owner, app: { name: user(app), password: app.password ? decodeURIComponent(app.password) : undefined } };
}

const ROLE_ATTRIBUTES = 'NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';

/**
 * Creates both roles where missing, and keeps the app role unprivileged even when it existed.
 * Roles are shared by every database on the server, so another migrate run may create one at
 * the same moment: that is retried, not an error.
 */
export async function ensureRoles(client: Client, roles: DatabaseRoles): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureRolesOnce(client, roles);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      // duplicate_object, unique_violation (pg_authid), "tuple concurrently updated"
      if (attempt >= 5 || !['42710', '23505', 'XX000'].includes(code ?? '')) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

async function ensureRolesOnce(client: Client, roles: DatabaseRoles): Promise<void> {
  const owner = client.escapeIdentifier(roles.owner);
  const app = client.escapeIdentifier(roles.app.name);
  const existing = await client.query<{ rolname: string; rolsuper: boolean; rolcanlogin: boolean; attrs_ok: boolean }>(
    `SELECT rolname, rolsuper, rolcanlogin,
            NOT (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls) AS attrs_ok
       FROM pg_roles WHERE rolname = ANY($1)`,
    [[roles.owner, roles.app.name]],
  );
  const found = new Map(existing.rows.map((r) => [r.rolname, r]));
  if (!found.has(roles.owner)) await client.query(`CREATE ROLE ${owner} NOLOGIN ${ROLE_ATTRIBUTES}`);
  const password = roles.app.password === undefined ? '' : ` PASSWORD ${client.escapeLiteral(roles.app.password)}`;
  const appRow = found.get(roles.app.name);
  if (!appRow) await client.query(`CREATE ROLE ${app} LOGIN ${ROLE_ATTRIBUTES}${password}`);
  else if (!appRow.attrs_ok || !appRow.rolcanlogin || password) await client.query(`ALTER ROLE ${app} LOGIN ${ROLE_ATTRIBUTES}${password}`);
  // The app must not inherit the owner's rights, whatever was granted before.
  const member = await client.query(`SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
                                      WHERE r.rolname = $1 AND u.rolname = $2`, [roles.owner, roles.app.name]);
  if (member.rowCount) await client.query(`REVOKE ${owner} FROM ${app}`);
  // Whoever runs migrations must be able to become the owner (a superuser always can).
  const me = await client.query<{ rolsuper: boolean; can: boolean }>(
    `SELECT rolsuper, pg_has_role(current_user, $1, 'USAGE') AS can FROM pg_roles WHERE rolname = current_user`,
    [roles.owner],
  );
  if (!me.rows[0].rolsuper && !me.rows[0].can) await client.query(`GRANT ${owner} TO CURRENT_USER`);
}

/**
 * Hands the database and the schema's objects to the owner (a database made before the split had
 * them owned by the app's user). The database's owner may create in it, as the migrations do.
 */
export async function giveDatabaseToOwner(client: Client, target: { database: string; schema: string }, roles: DatabaseRoles): Promise<void> {
  const { schema } = target;
  const owner = client.escapeIdentifier(roles.owner);
  const s = client.escapeIdentifier(schema);
  await client.query(`ALTER DATABASE ${client.escapeIdentifier(target.database)} OWNER TO ${owner}`);
  await client.query(`GRANT USAGE, CREATE ON SCHEMA ${s} TO ${owner}`);
  await client.query(`REVOKE CREATE ON SCHEMA ${s} FROM PUBLIC`);
  const { rows } = await client.query<{ statement: string }>(
    `SELECT format('ALTER %s %I.%I OWNER TO %I', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                   n.nspname, c.relname, $2::text) AS statement
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> $2
        AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
     UNION ALL
     SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, $2::text)
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1 AND pg_get_userbyid(p.proowner) <> $2
     UNION ALL
     SELECT format('ALTER TYPE %I.%I OWNER TO %I', n.nspname, t.typname, $2::text)
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 AND t.typtype IN ('e', 'd') AND pg_get_userbyid(t.typowner) <> $2`,
    [schema, roles.owner],
  );
  for (const { statement } of rows) await client.query(statement);
}

/** Run as the owner, after the migrations: exactly what the app may do, on every table there is now. */
export async function grantApp(client: Client, schema: string, roles: DatabaseRoles): Promise<void> {
  const app = client.escapeIdentifier(roles.app.name);
  const s = client.escapeIdentifier(schema);
  await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${app}`);
  await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${app}`);
  await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${app}`);
  await client.query(`REVOKE ALL ON ${s}."_prisma_migrations" FROM ${app}`);
  for (const table of APPEND_ONLY_TABLES) {
    const t = `${s}.${client.escapeIdentifier(table)}`;
    await client.query(`REVOKE ALL ON ${t} FROM ${app}`);
    await client.query(`GRANT SELECT, INSERT ON ${t} TO ${app}`);
  }
}
