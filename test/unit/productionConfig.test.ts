import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../config';
import { testKeyEnv } from '../support/keys';

/** A production configuration that is right in every respect; each test spoils one setting. */
const secure = {
  ...testKeyEnv(),
  NODE_ENV: 'production',
  SMTP_HOST: 'smtp.kommun.example.se',
  SMTP_PORT: '587',
  SMTP_REQUIRE_TLS: 'true',
  SMTP_USER: 'samverkan',
  SMTP_PASSWORD: 'relay-password',
  APP_BASE_URL: 'https://samverkan.kommun.example.se',
  AUTH_JWKS_URL: 'https://login.kommun.example.se/certs',
  TEMPORAL_TLS: 'true',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('production refuses to start with anything in clear', () => {
  it('when every connection is encrypted, then production starts, with STARTTLS required and SMTP authentication on', () => {
    const config = loadConfig(secure);
    expect(config.smtp).toMatchObject({ requireTls: true, secure: false, auth: { user: 'samverkan', pass: 'relay-password' } });
  });

  it.each([
    ['plaintext SMTP', { SMTP_REQUIRE_TLS: 'false' }, 'SMTP_REQUIRE_TLS'],
    ['an http: JWKS', { AUTH_JWKS_URL: 'http://login.kommun.example.se/certs' }, 'AUTH_JWKS_URL'],
    ['an http: APP_BASE_URL', { APP_BASE_URL: 'http://samverkan.kommun.example.se' }, 'APP_BASE_URL'],
    ['Temporal without TLS', { TEMPORAL_TLS: 'false' }, 'TEMPORAL_TLS'],
  ])('when NODE_ENV=production has %s, then the configuration is refused and names %s', (_what, spoil, variable) => {
    const problems = problemsOf({ ...secure, ...spoil });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable}: `));
  });

  it('when implicit TLS (port 465) is used instead of STARTTLS, then production accepts the mail settings', () => {
    expect(problemsOf({ ...secure, SMTP_REQUIRE_TLS: 'false', SMTP_SECURE: 'true', SMTP_PORT: '465' })).toEqual([]);
  });

  it('when outside production, then the dev defaults (plain loopback SMTP, http links) still load', () => {
    expect(problemsOf({ ...testKeyEnv(), NODE_ENV: 'development' })).toEqual([]);
  });

  it('when SMTP has a user but no password, then the configuration names SMTP_USER', () => {
    expect(problemsOf({ ...secure, SMTP_PASSWORD: undefined })).toEqual([expect.stringMatching(/^SMTP_USER: /)]);
  });

  it('when the worker process starts in production with plaintext SMTP, then it exits 1 and says which setting is wrong', async () => {
    const root = join(__dirname, '..', '..');
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'worker', 'main.ts')], {
      cwd: root,
      env: { ...process.env, ...secure, SMTP_REQUIRE_TLS: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('SMTP_REQUIRE_TLS: production sends mail only over TLS');
  });
});
