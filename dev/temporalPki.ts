import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * Certificates for a Temporal server behind mTLS (deploy/temporal-server/config/production.yaml):
 * a server CA that signs the server's own certificate (frontend and internode), and a separate
 * client CA that signs one certificate per client identity (its common name is what the
 * certificate-roles claim mapper reads). Two CAs, so that no client certificate is accepted on
 * the internode ports. Made fresh at test time or by `npm run temporal:certs`; never committed.
 */
export interface Issued {
  cert: string;
  key: string;
}

export interface Authority extends Issued {
  issue(commonName: string, opts?: { serverNames?: string[]; server?: boolean; client?: boolean }): Issued;
}

const DAY_MS = 86_400_000;

function rsaKey(): { forgeKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.PublicKey; pkcs8: string } {
  // node:crypto makes the key (fast, native); forge only builds and signs the certificates.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return {
    forgeKey: forge.pki.privateKeyFromPem(pkcs1),
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function certificate(commonName: string, publicKey: forge.pki.PublicKey, validDays: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`; // positive, 128 random bits
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + validDays * DAY_MS);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  return cert;
}

/** A self-signed CA that issues server and client certificates. */
export function createAuthority(commonName: string, validDays = 365): Authority {
  const ca = rsaKey();
  const caCert = certificate(commonName, ca.publicKey, validDays);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.forgeKey, forge.md.sha256.create());
  return {
    cert: forge.pki.certificateToPem(caCert),
    key: ca.pkcs8,
    issue(name, opts = {}) {
      const leaf = rsaKey();
      const cert = certificate(name, leaf.publicKey, validDays);
      cert.setIssuer(caCert.subject.attributes);
      const server = opts.server ?? Boolean(opts.serverNames);
      const client = opts.client ?? !server;
      cert.setExtensions([
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: server, clientAuth: client },
        ...(opts.serverNames
          ? [{ name: 'subjectAltName', altNames: opts.serverNames.map((n) => (/^[\d.]+$/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })) }]
          : []),
      ]);
      cert.sign(ca.forgeKey, forge.md.sha256.create());
      return { cert: forge.pki.certificateToPem(cert), key: leaf.pkcs8 };
    },
  };
}

/** The name clients verify in the server's certificate (TEMPORAL_TLS_SERVER_NAME). */
export const TEMPORAL_SERVER_NAME = 'temporal';

/**
 * Writes what the server mounts (server-ca.pem, server.pem, server.key, client-ca.pem) and, for
 * each client, <name>.pem and <name>.key. CA keys are not written: to issue more, make a new set.
 */
export function writeTemporalPki(dir: string, clients: string[], opts: { serverNames?: string[] } = {}): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const serverCa = createAuthority('samverkan Temporal server CA');
  const clientCa = createAuthority('samverkan Temporal client CA');
  // The server's certificate serves the frontend and internode traffic, so it is both server and client.
  const server = serverCa.issue('temporal-server', {
    serverNames: opts.serverNames ?? [TEMPORAL_SERVER_NAME, 'localhost', '127.0.0.1'],
    server: true,
    client: true,
  });
  const write = (name: string, text: string, secret = false) => writeFileSync(join(dir, name), text, { mode: secret ? 0o600 : 0o644 });
  write('server-ca.pem', serverCa.cert);
  write('client-ca.pem', clientCa.cert);
  write('server.pem', server.cert);
  write('server.key', server.key, true);
  for (const name of clients) {
    const issued = clientCa.issue(name);
    write(`${name}.pem`, issued.cert);
    write(`${name}.key`, issued.key, true);
  }
}

/** The client certificates of a samverkan deployment (their common names). */
export const TEMPORAL_CLIENTS = {
  worker: 'samverkan-worker',
  api: 'samverkan-api',
  /** The one-shot setup step: registers the namespace and the retention Schedule. */
  setup: 'samverkan-setup',
  ui: 'temporal-ui',
  /** The server container's health check: a name given no role, so it may ask for health only. */
  health: 'temporal-health',
} as const;

/**
 * SAMVERKAN_TEMPORAL_ROLES for a deployment: the worker and the API act on their namespace, the
 * setup step administers it, the Web UI only reads (temporal-system: the cluster, for its overview).
 */
export function temporalRoles(namespace: string): string {
  const c = TEMPORAL_CLIENTS;
  return [`${c.worker}=${namespace}:writer`, `${c.api}=${namespace}:writer`, `${c.setup}=${namespace}:admin`, `${c.ui}=temporal-system:reader`].join(',');
}
