import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('the audit trail is append-only in the database itself', () => {
  let db: TestDatabase;
  let client: Client;
  let id: string;
  beforeAll(async () => {
    db = await createTestDatabase('audit_append_only');
    // A superuser connection, not the app's role: the trigger refuses even those who hold every privilege.
    client = new Client({ connectionString: db.adminUrl });
    await client.connect();
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO audit_event (id, actor, actor_roles, action, method, route, status, case_id)
       VALUES (gen_random_uuid(), 'h-1', 'staff', 'case.read', 'GET', '/cases/:caseId', 200, 'VPC-2026-AUDIT001') RETURNING id`,
    );
    id = rows[0].id;
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it('when a row is updated, then the database refuses and the row is unchanged', async () => {
    await expect(client.query(`UPDATE audit_event SET actor = 'someone-else' WHERE id = $1`, [id])).rejects.toThrow(/append-only: UPDATE refused/);
    const { rows } = await client.query(`SELECT actor FROM audit_event WHERE id = $1`, [id]);
    expect(rows).toEqual([{ actor: 'h-1' }]);
  });

  it('when a row is deleted or the table truncated, then the database refuses and the row is still there', async () => {
    await expect(client.query(`DELETE FROM audit_event WHERE id = $1`, [id])).rejects.toThrow(/append-only: DELETE refused/);
    await expect(client.query(`TRUNCATE audit_event`)).rejects.toThrow(/append-only: TRUNCATE refused/);
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM audit_event WHERE id = $1`, [id]);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('when the app writes through Prisma, then its role is refused an update or a delete before the trigger is reached', async () => {
    await expect(db.prisma.auditEvent.update({ where: { id }, data: { status: 500 } })).rejects.toThrow(/permission denied for table audit_event/);
    await expect(db.prisma.auditEvent.deleteMany({})).rejects.toThrow(/permission denied for table audit_event/);
    expect(await db.prisma.auditEvent.count()).toBe(1);
  });
});
