import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { Client } from '@temporalio/client';
import { chromium, errors, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { createApp } from '../../api/app';
import type { AuthConfig } from '../../config';
import { devIdentities, type DevIdentity } from '../../dev/devAuth';
import { startDevOidcProvider, type DevOidcProvider } from '../../dev/oidcDev';
import { AesGcmPayloadCodec } from '../../security/payloadCodec';
import { testFieldCrypto } from './keys';
import { eventually, startStack, type Stack } from './stack';

/** Debian's chromium (bootstrap installs it); Playwright never downloads a browser here. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The WCAG 2.1 A and AA rules axe knows. */
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface WebStack {
  stack: Stack;
  /** The web app's address, e.g. http://localhost:41234/app. */
  appUrl: string;
  provider: DevOidcProvider;
  browser: Browser;
  /** A fresh browser context (its own cookies) in Swedish, in Stockholm time. */
  newPage(): Promise<{ context: BrowserContext; page: Page; consoleErrors: string[] }>;
  /** Signs in through the dev identity provider as one of its users; ends on the page after login. */
  signIn(page: Page, sub: string, path?: string): Promise<void>;
  teardown(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The real stack (Temporal, PostgreSQL, SMTP, worker) with the API and web app listening on a
 * loopback port, the dev OpenID provider in its own process, and headless chromium.
 */
export async function startWebStack(label: string, opts: Parameters<typeof startStack>[1] & { users?: DevIdentity[] } = {}): Promise<WebStack> {
  const stack = await startStack(label, opts);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = `browser-${randomBytes(3).toString('hex')}`;
  const audience = 'samverkan-browser-test';
  const port = await freePort();
  const appUrl = `http://localhost:${port}/app`;
  const clientId = 'samverkan-web';
  const provider = await startDevOidcProvider({
    port: 0,
    // As under npm start: the provider issues for the API's issuer name and serves on a loopback port.
    issuer: 'https://samverkan.local/dev-issuer',
    audience,
    privateJwk: { ...(privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid },
    clientId,
    redirectUris: [`${appUrl}/auth/callback`],
    users: opts.users ?? devIdentities,
  });
  const auth: AuthConfig = { issuer: provider.issuer, audience, publicKeys: { keys: [{ ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'EdDSA', use: 'sig' }] } };
  const temporal = new Client({ connection: stack.env.connection, namespace: stack.env.namespace, dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(stack.payloadKeys)] } });
  const app = createApp(
    { temporal, prisma: stack.db.prisma, fieldCrypto: testFieldCrypto(), config: { taskQueue: stack.taskQueue, auth, rateLimitPerMinute: 100_000, addressRateLimitPerMinute: 1_000_000 } },
    { web: { basePath: '/app', secureCookies: false, oidc: { issuer: provider.issuer, discoveryUrl: `http://localhost:${provider.port}/.well-known/openid-configuration`, clientId, redirectUri: `${appUrl}/auth/callback`, prompt: 'login' } } },
  );
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--lang=sv-SE'] });
  return {
    stack,
    appUrl,
    provider,
    browser,
    async newPage() {
      const context = await browser.newContext({ locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
      context.setDefaultTimeout(30_000);
      const page = await context.newPage();
      // A script error or a Content Security Policy violation shows here (htmx must run under the policy).
      const consoleErrors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') consoleErrors.push(msg.text());
      });
      page.on('pageerror', (err) => consoleErrors.push(err.message));
      return { context, page, consoleErrors };
    },
    async signIn(page, sub, path = '/') {
      await page.goto(`${appUrl}${path}`);
      if (path === '/') await page.getByRole('link', { name: 'Logga in' }).click();
      await page
        .getByRole('button', { name: sub, exact: true })
        .click()
        .catch(async (err: unknown) => {
          // Say where the sign-in stopped (the provider's page names its error).
          throw new Error(`sign-in as ${sub} stopped at ${page.url()}: ${(await page.locator('body').innerText()).slice(0, 500)}`, { cause: err });
        });
      await page.waitForURL((url) => url.origin === new URL(appUrl).origin && !url.pathname.startsWith('/app/auth'));
    },
    async teardown() {
      await browser.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await provider.stop();
      await stack.teardown();
    },
  };
}

/**
 * Whether the element shows within a few seconds. A click that posts a form or follows a link returns
 * before the next page has rendered, so `isVisible()` right after it reads the old page or a blank one.
 */
export function shown(locator: Locator, timeout = 10_000): Promise<boolean> {
  return locator.waitFor({ state: 'visible', timeout }).then(
    () => true,
    (err: unknown) => {
      if (err instanceof errors.TimeoutError) return false;
      throw err;
    },
  );
}

/** Zero violations of WCAG 2.1 A and AA on the page as it is now. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary).toEqual([]);
}

/**
 * Saves a screenshot: for the README under docs/screens/ when SCREENSHOTS=1 (so an ordinary test
 * run leaves the checkout clean), otherwise under the system's temporary directory.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOTS === '1' ? join(__dirname, '..', '..', 'docs', 'screens') : join(tmpdir(), 'samverkan-screens');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Starts a youth-concern case through the API (as a coordinator) and waits for its protection assessment to open. */
/** A police referral about a 15-year-old, by type (a youth concern): the browser tests' usual case. */
export const youthConcernReferral = (person: { displayName: string; personalIdentityNumber: string; narrative: string }) => ({
  caseType: 'youth-concern',
  referral: {
    sourceAgency: 'police',
    category: 'drug-possession',
    suspectedOfCrime: false,
    subject: { displayName: person.displayName, personalIdentityNumber: person.personalIdentityNumber, ageYears: 15 },
    narrative: person.narrative,
  },
});

export async function startProtectionAssessment(web: WebStack, referral: object): Promise<{ caseId: string; taskId: string }> {
  const started = await web.stack.api.post('/cases').set('X-Actor-Id', 'coordinator-1').send(referral).expect(201);
  const caseId = (started.body as { caseId: string }).caseId;
  const task = await eventually(`the protection assessment of ${caseId}`, async () => {
    const res = await web.stack.api.get(`/cases/${caseId}`).expect(200);
    return (res.body.tasks as Array<{ taskId: string; stepKey: string; status: string }>).find((t) => t.stepKey === 'protectionAssessment' && t.status === 'open');
  });
  return { caseId, taskId: task.taskId };
}
