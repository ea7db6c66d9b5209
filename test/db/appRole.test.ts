import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrateForApp } from '../../prisma/migrate';
import { DEFAULT_OWNER_ROLE } from '../../prisma/roles';
import { createTestDatabase, TEST_APP_ROLE, type TestDatabase } from '../support/database';

const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

describe("the app's database role cannot alter, disable or empty the audit trail", () => {
  let db: TestDatabase;
  let admin: Client;
  let app: Client;
  beforeAll(async () => {
    db = await createTestDatabase('app_role');
    admin = await connect(db.adminUrl);
    app = await connect(db.url);
    await app.query(
      `INSERT INTO audit_event (id, actor, actor_roles, action, method, route, status)
       VALUES (gen_random_uuid(), 'h-1', 'staff', 'case.read', 'GET', '/cases/:caseId', 200)`,
    );
  });
  afterAll(async () => {
    await app.end();
    await admin.end();
    await db.drop();
  });

  it('when the app connects, then it is no superuser, owns no table, is no member of the owner, and may only read and append to the audit trail', async () => {
    const { rows: [me] } = await app.query<Record<string, unknown>>(
      `SELECT current_user AS name, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication,
              pg_has_role(current_user, $1, 'MEMBER') AS owner_member
         FROM pg_roles WHERE rolname = current_user`,
      [DEFAULT_OWNER_ROLE],
    );
    expect(me).toEqual({ name: TEST_APP_ROLE, rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false, rolreplication: false, owner_member: false });
    const { rows: owners } = await admin.query<{ owner: string }>(
      `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v')`,
    );
    expect(owners).toEqual([{ owner: DEFAULT_OWNER_ROLE }]);
    const { rows: privileges } = await admin.query<{ privilege: string; granted: boolean }>(
      `SELECT p AS privilege, has_table_privilege($1, 'audit_event', p) AS granted
         FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p`,
      [TEST_APP_ROLE],
    );
    expect(Object.fromEntries(privileges.map((p) => [p.privilege, p.granted]))).toEqual({
      SELECT: true, INSERT: true, UPDATE: false, DELETE: false, TRUNCATE: false, REFERENCES: false, TRIGGER: false,
    });
  });

  // Each is refused for want of a privilege, before the append-only trigger is reached.
  it.each([
    ['DISABLE TRIGGER', 'ALTER TABLE audit_event DISABLE TRIGGER USER', /must be owner of table audit_event/],
    ['TRUNCATE', 'TRUNCATE audit_event', /permission denied for table audit_event/],
    ['DELETE', 'DELETE FROM audit_event', /permission denied for table audit_event/],
    ['UPDATE', `UPDATE audit_event SET actor = 'someone-else'`, /permission denied for table audit_event/],
    ['ALTER TABLE', 'ALTER TABLE audit_event ADD COLUMN erased boolean', /must be owner of table audit_event/],
    ['DROP TRIGGER', 'DROP TRIGGER audit_event_append_only ON audit_event', /must be owner of (table|relation) audit_event/],
    ['SET session_replication_role', 'SET session_replication_role = replica', /permission denied to set parameter "session_replication_role"/],
  ])('when the app role tries %s on the audit trail, then PostgreSQL refuses it and the row stays', async (_what, statement, refusal) => {
    await expect(app.query(statement)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(refusal) });
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM audit_event WHERE actor = 'h-1' AND action = 'case.read'`);
    expect(rows).toEqual([{ n: 1 }]);
    const { rows: triggers } = await admin.query(`SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass ORDER BY tgname`);
    expect(triggers).toEqual([
      { tgname: 'audit_event_append_only', tgenabled: 'O' },
      { tgname: 'audit_event_no_truncate', tgenabled: 'O' },
    ]);
  });

  it('when the app does its ordinary work, then its role may: it appends to the audit trail and updates a unit', async () => {
    await app.query(`INSERT INTO audit_event (id, actor, actor_roles, action, method, route, status) VALUES (gen_random_uuid(), 'h-2', 'staff', 'task.list', 'GET', '/tasks', 200)`);
    const { rowCount } = await app.query(`UPDATE unit SET name = name WHERE code = 'soc-children-youth'`);
    expect(rowCount).toBe(1);
  });
});

describe('the migrate command creates the roles where they are missing', () => {
  const suffix = randomBytes(4).toString('hex');
  const owner = `samverkan_owner_t${suffix}`;
  const appRole = `samverkan_app_t${suffix}`;
  const database = `samverkan_t_roles_${suffix}`;
  let admin: Client;
  beforeAll(async () => {
    admin = await connect(`${serverUrl}/postgres`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS "${appRole}"`);
    await admin.query(`DROP ROLE IF EXISTS "${owner}"`);
    await admin.end();
  });

  const rolesNow = async () =>
    (
      await admin.query<{ rolname: string; rolsuper: boolean; rolcanlogin: boolean }>(
        `SELECT rolname, rolsuper, rolcanlogin FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname`,
        [[owner, appRole]],
      )
    ).rows;

  it('when neither role exists, then migrating creates a login app role and a no-login owner; an app role made a superuser meanwhile is demoted on the next run', async () => {
    expect(await rolesNow()).toEqual([]);
    const appUrl = new URL(`${serverUrl}/${database}`);
    appUrl.username = appRole;
    appUrl.password = 'app-secret';
    const urls = { appUrl: appUrl.toString(), migrateUrl: `${serverUrl}/${database}`, ownerRole: owner };
    await migrateForApp(urls, { log: () => undefined });
    expect(await rolesNow()).toEqual([
      { rolname: appRole, rolsuper: false, rolcanlogin: true },
      { rolname: owner, rolsuper: false, rolcanlogin: false },
    ]);

    await admin.query(`ALTER ROLE "${appRole}" SUPERUSER`);
    const second = await migrateForApp(urls, { log: () => undefined });
    expect(second.applied).toEqual([]);
    expect((await rolesNow())[0]).toEqual({ rolname: appRole, rolsuper: false, rolcanlogin: true });
  });
});
