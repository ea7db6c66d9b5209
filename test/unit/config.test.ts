import { ConfigError, loadConfig, temporalConnectionOptions, workerDefaults } from '../../config';
import { testKeyEnv } from '../support/keys';

describe('configuration from the environment', () => {
  it('when only the keys are set, then the local defaults apply', () => {
    const config = loadConfig(testKeyEnv());
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/samverkan',
      temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'samverkan', tls: undefined },
      smtp: { host: '127.0.0.1', port: 1025, secure: false },
      port: 3000,
    });
    expect(temporalConnectionOptions(config)).toEqual({ address: '127.0.0.1:7233' });
  });

  it('when several variables are wrong, then one error names each of them and why', () => {
    let error: unknown;
    try {
      loadConfig({ ...testKeyEnv(), DATABASE_URL: 'mysql://x', SMTP_PORT: 'seventy', APP_BASE_URL: 'not a url', TEMPORAL_TLS_CERT_PATH: '/nonexistent/cert.pem' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['DATABASE_URL', 'SMTP_PORT', 'APP_BASE_URL', 'TEMPORAL_TLS_CERT_PATH']) expect(problems).toContain(name);
    expect(() => loadConfig({})).toThrow(/PAYLOAD_KEYS/);
    expect(problems).toContain('must be the path of a readable file');
  });

  it('when nothing is said about payloads in clear or the codec, then clear payloads are refused and the codec takes small batches, a few a minute', () => {
    expect(loadConfig(testKeyEnv())).toMatchObject({ crypto: { acceptUnencryptedPayloads: false }, codec: { bodyLimit: '256kb', perMinute: 60 } });
    const replaying = loadConfig({ ...testKeyEnv(), PAYLOAD_ACCEPT_UNENCRYPTED: 'true', CODEC_RATE_LIMIT_PER_MINUTE: '10', CODEC_BODY_LIMIT: '64kb' });
    expect(replaying).toMatchObject({ crypto: { acceptUnencryptedPayloads: true }, codec: { bodyLimit: '64kb', perMinute: 10 } });
    expect(() => loadConfig({ ...testKeyEnv(), PAYLOAD_ACCEPT_UNENCRYPTED: 'yes' })).toThrow(/PAYLOAD_ACCEPT_UNENCRYPTED/);
  });

  it('when mTLS files are given, then the connection uses TLS with the client pair', () => {
    const file = __filename;
    const config = loadConfig({ ...testKeyEnv(), TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233', TEMPORAL_TLS_CERT_PATH: file, TEMPORAL_TLS_KEY_PATH: file });
    const options = temporalConnectionOptions(config);
    expect(options.tls?.clientCertPair?.crt.length).toBeGreaterThan(0);
    expect(() => loadConfig({ ...testKeyEnv(), TEMPORAL_TLS_CERT_PATH: file })).toThrow(/TEMPORAL_TLS_KEY_PATH/);
  });

  it('when the proxy, Redis and limit variables are set, then they are read; unset, the API trusts no proxy and counts in memory', () => {
    expect(loadConfig(testKeyEnv())).toMatchObject({ trustProxy: false, redisUrl: undefined, addressRateLimitPerMinute: 1200, auditRefusalsPerAddressPerMinute: 20 });
    const set = loadConfig({
      ...testKeyEnv(),
      TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8',
      REDIS_URL: 'redis://cache:6379',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '600',
      AUDIT_REFUSALS_PER_ADDRESS_PER_MINUTE: '5',
    });
    expect(set).toMatchObject({ trustProxy: ['loopback', '10.0.0.0/8', 'fd00::/8'], redisUrl: 'redis://cache:6379', addressRateLimitPerMinute: 600, auditRefusalsPerAddressPerMinute: 5 });
    expect(loadConfig({ ...testKeyEnv(), TRUST_PROXY: '1' }).trustProxy).toBe(1);
  });

  it('when TRUST_PROXY would trust any client, or names no address, or REDIS_URL is not redis, then start-up stops naming the variable', () => {
    expect(() => loadConfig({ ...testKeyEnv(), TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: .*would trust any client/);
    expect(() => loadConfig({ ...testKeyEnv(), TRUST_PROXY: '10.0.0.0/40' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ ...testKeyEnv(), TRUST_PROXY: 'proxy.example' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ ...testKeyEnv(), REDIS_URL: 'http://cache:6379' })).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('when the worker cache variables are unset, then the measured defaults apply; set, the sticky timeout is read as ISO-8601 or milliseconds', () => {
    expect(loadConfig(testKeyEnv()).worker).toEqual({ maxCachedWorkflows: workerDefaults.maxCachedWorkflows, stickyTimeoutMs: workerDefaults.stickyTimeoutMs });
    expect(loadConfig({ ...testKeyEnv(), WORKER_MAX_CACHED_WORKFLOWS: '500', WORKER_STICKY_TIMEOUT: 'PT3S' }).worker).toEqual({ maxCachedWorkflows: 500, stickyTimeoutMs: 3_000 });
    expect(loadConfig({ ...testKeyEnv(), WORKER_MAX_CACHED_WORKFLOWS: '0', WORKER_STICKY_TIMEOUT: '2500' }).worker).toEqual({ maxCachedWorkflows: 0, stickyTimeoutMs: 2_500 });
  });

  it('when WORKER_MAX_CACHED_WORKFLOWS or WORKER_STICKY_TIMEOUT is not a bound the SDK takes, then start-up stops naming the variable', () => {
    for (const bad of ['lots', '-5', '1.5', '1', '']) {
      expect(() => loadConfig({ ...testKeyEnv(), WORKER_MAX_CACHED_WORKFLOWS: bad })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS: must be/);
    }
    for (const bad of ['3s', '0', 'PT0S', '-1']) {
      expect(() => loadConfig({ ...testKeyEnv(), WORKER_STICKY_TIMEOUT: bad })).toThrow(/WORKER_STICKY_TIMEOUT: must be a positive ISO-8601 duration/);
    }
  });

  it('when STAFF_DIRECTORY_KEEP is unset, then the staff directory keeps people 400 days; set, it is read; shorter than the people list’s window, start-up stops naming it', () => {
    const day = 86_400_000;
    expect(loadConfig(testKeyEnv()).watchdogKeep.staffDirectoryMs).toBe(400 * day);
    expect(loadConfig({ ...testKeyEnv(), STAFF_DIRECTORY_KEEP: 'P200D' }).watchdogKeep.staffDirectoryMs).toBe(200 * day);
    expect(() => loadConfig({ ...testKeyEnv(), STAFF_DIRECTORY_KEEP: 'P30D' })).toThrow(/STAFF_DIRECTORY_KEEP: must be at least P180D/);
    expect(() => loadConfig({ ...testKeyEnv(), STAFF_DIRECTORY_KEEP: 'a year' })).toThrow(/STAFF_DIRECTORY_KEEP/);
  });
});
