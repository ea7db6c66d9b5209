import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config';
import { devIdentities, loadOrCreateDevKey, signDevToken } from '../../dev/devAuth';
import { testKeyEnv } from '../support/keys';
import { startNpmStart } from '../support/npmStart';

/** `npm start`'s program as a newcomer runs it, here with no PostgreSQL: the embedded one must serve. */
describe('npm start (dev/start.ts) with embedded PostgreSQL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'samverkan-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when started with no database server, then it runs on PGlite, takes a case end to end, mails the unit and stops cleanly on Ctrl-C', async () => {
    const start = await startNpmStart(() => {
      const env: NodeJS.ProcessEnv = { ...process.env, EMBEDDED_POSTGRES: '1', SAMVERKAN_DATA_DIR: dataDir, SAMVERKAN_LOG: 'info' };
      delete env.DATABASE_URL;
      delete env.TEMPORAL_ADDRESS;
      delete env.SMTP_HOST;
      return env;
    }, 90_000);
    const { ports } = start;
    const output = start.output;
    let exitCode: number | null = null;
    try {
      expect(output()).toContain('embedded PGlite');
      expect(output()).toContain(`http://localhost:${ports.api}`);
      expect(output()).toMatch(/Mailbox\s+http:\/\/127\.0\.0\.1:\d+/);

      const api = `http://127.0.0.1:${ports.api}`;
      // A coordinator's token, signed with the dev key npm start created and trusts.
      const key = loadOrCreateDevKey(join(dataDir, 'dev-signing-key.json'));
      const coordinator = devIdentities.find((who) => who.roles.includes('coordinator'))!;
      const token = await signDevToken(key, loadConfig(testKeyEnv()).auth, coordinator);
      const anonymous = await fetch(`${api}/cases/VPC-2026-ANYTHING`);
      expect(anonymous.status).toBe(401);
      const created = await fetch(`${api}/cases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ caseType: 'youth-concern', referral: { sourceAgency: 'school', category: 'threat', subject: { ageYears: 13 } } }),
      });
      expect(created.status).toBe(201);
      const { caseId } = (await created.json()) as { caseId: string };
      const mailDeadline = Date.now() + 60_000;
      let subjects: string[] = [];
      while (!subjects.some((s) => s.includes(caseId))) {
        if (Date.now() > mailDeadline) throw new Error(`no mail for ${caseId}; mailbox has ${JSON.stringify(subjects)}\n${output()}`);
        await new Promise((r) => setTimeout(r, 250));
        const mails = (await (await fetch(`http://127.0.0.1:${ports.mailbox}/messages`)).json()) as Array<{ subject: string }>;
        subjects = mails.map((m) => m.subject);
      }
      // The web app's sign-in leads to the dev identity provider, which offers one user per role.
      expect(output()).toContain(`Web app      http://localhost:${ports.api}/app`);
      const login = await fetch(`${api}/app/logga-in`, { redirect: 'manual' });
      const authorize = new URL(login.headers.get('location') ?? '');
      expect(authorize.port).toBe(String(ports.oidc));
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      // The provider keeps the login in a cookie, as a browser would carry it.
      const interaction = await fetch(authorize, { redirect: 'manual' });
      const cookies = interaction.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const picker = await fetch(new URL(interaction.headers.get('location') ?? '', authorize), { headers: { cookie: cookies } });
      const pickerPage = await picker.text();
      for (const who of devIdentities) expect(pickerPage).toContain(`value="${who.sub}"`);
      const ready = (await (await fetch(`${api}/ready`)).json()) as { ready: boolean };
      expect(ready.ready).toBe(true);
    } finally {
      exitCode = await start.stop();
    }
    expect(exitCode).toBe(0);
    expect(output()).toContain('[samverkan] stopped');
  });
});
