import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { stopChild } from './stopChild';
import type { DevIdentity } from './devAuth';

export interface DevOidcProvider {
  issuer: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts dev/oidcProvider.mjs (panva's oidc-provider is ESM-only, so it runs as its own process)
 * and waits until it listens. `issuer` may name `{port}` when the port is chosen by the system.
 */
export async function startDevOidcProvider(opts: {
  port: number;
  /** The issuer, e.g. http://localhost:3001; `{port}` is replaced by the port it got. */
  issuer: string;
  audience: string;
  /** A private JWK (with kid) the API trusts the public half of. */
  privateJwk: Record<string, unknown>;
  clientId: string;
  redirectUris: string[];
  users: DevIdentity[];
  log?: (line: string) => void;
}): Promise<DevOidcProvider> {
  // With port 0 the issuer is not known until the process listens: reserve one first.
  const port = opts.port || (await freePort());
  const issuer = opts.issuer.replace('{port}', String(port));
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidcProvider.mjs')], {
    env: {
      ...process.env,
      OIDC_DEV_PORT: String(port),
      OIDC_DEV_ISSUER: issuer,
      OIDC_DEV_AUDIENCE: opts.audience,
      OIDC_DEV_KEY: JSON.stringify(opts.privateJwk),
      OIDC_DEV_CLIENT_ID: opts.clientId,
      OIDC_DEV_REDIRECT_URIS: JSON.stringify(opts.redirectUris),
      OIDC_DEV_USERS: JSON.stringify(opts.users),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on \d+/.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => opts.log?.(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the dev identity provider exited (${code}) before listening`)));
  });
  return {
    issuer,
    port,
    stop: () => stopChild(child),
  };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
