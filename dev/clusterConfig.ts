import { join } from 'node:path';
import { TEMPORAL_SERVER_SOURCE } from './temporalServerBinary';

/**
 * The server configuration dev/cluster.ts starts Temporal with. Without TLS it writes a plain
 * config (no authorizer, `--allow-no-auth`), for the cluster test phase and the bench. With TLS it
 * uses the production config, deploy/temporal-server/config/production.yaml (what compose runs),
 * filled in through the environment variables that file reads.
 */
export interface ClusterPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  internalFrontend: number;
  internalFrontendHttp: number;
  internalFrontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

export interface ClusterStore {
  pg: URL;
  mainDb: string;
  visibilityDb: string;
  shards: number;
}

export function dynamicConfig(): string {
  return [
    'frontend.enableUpdateWorkflowExecution:',
    '  - value: true',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted:',
    '  - value: true',
    // Test namespaces are registered and used at once; refresh the namespace cache quickly.
    'system.namespaceCacheRefreshInterval:',
    '  - value: 2s',
    '',
  ].join('\n');
}

/** The production config's directory and the environment that fills it in for a local cluster. */
export function productionConfig(
  a: ClusterStore & { ports: ClusterPorts; tlsDir: string; roles: string; dynamicConfigFile: string },
): { root: string; env: NodeJS.ProcessEnv } {
  const p = a.ports;
  return {
    root: TEMPORAL_SERVER_SOURCE,
    env: {
      TEMPORAL_TLS_DIR: a.tlsDir,
      SAMVERKAN_TEMPORAL_ROLES: a.roles,
      BIND_ON_IP: '127.0.0.1',
      TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
      NUM_HISTORY_SHARDS: String(a.shards),
      POSTGRES_SEEDS: a.pg.hostname,
      DB_PORT: a.pg.port || '5432',
      POSTGRES_USER: decodeURIComponent(a.pg.username || 'postgres'),
      POSTGRES_PWD: decodeURIComponent(a.pg.password),
      DBNAME: a.mainDb,
      VISIBILITY_DBNAME: a.visibilityDb,
      DYNAMIC_CONFIG_FILE_PATH: a.dynamicConfigFile,
      FRONTEND_GRPC_PORT: String(p.frontend),
      FRONTEND_HTTP_PORT: String(p.frontendHttp),
      FRONTEND_MEMBERSHIP_PORT: String(p.frontendMembership),
      INTERNAL_FRONTEND_GRPC_PORT: String(p.internalFrontend),
      INTERNAL_FRONTEND_HTTP_PORT: String(p.internalFrontendHttp),
      INTERNAL_FRONTEND_MEMBERSHIP_PORT: String(p.internalFrontendMembership),
      HISTORY_GRPC_PORT: String(p.history),
      HISTORY_MEMBERSHIP_PORT: String(p.historyMembership),
      MATCHING_GRPC_PORT: String(p.matching),
      MATCHING_MEMBERSHIP_PORT: String(p.matchingMembership),
      WORKER_GRPC_PORT: String(p.worker),
      WORKER_MEMBERSHIP_PORT: String(p.workerMembership),
    },
  };
}

export function plainServerConfig(a: ClusterStore & { ports: ClusterPorts; root: string }): string {
  const store = (db: string, maxConns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: "${db}"
        connectAddr: "${a.pg.hostname}:${a.pg.port || '5432'}"
        connectProtocol: "tcp"
        user: "${decodeURIComponent(a.pg.username || 'postgres')}"
        password: "${decodeURIComponent(a.pg.password)}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const svc = (name: string, grpc: number, membership: number, extra = '') => `
  ${name}:
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  return `log:
  stdout: true
  level: warn

persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${a.shards}
  datastores:
    default:${store(a.mainDb, 20)}
    visibility:${store(a.visibilityDb, 5)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"

services:${svc('frontend', a.ports.frontend, a.ports.frontendMembership, `\n      httpPort: ${a.ports.frontendHttp}`)}${svc('history', a.ports.history, a.ports.historyMembership)}${svc('matching', a.ports.matching, a.ports.matchingMembership)}${svc('worker', a.ports.worker, a.ports.workerMembership)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${a.ports.frontend}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: "${join(a.root, 'config', 'dynamicconfig.yaml')}"
  pollInterval: "10s"
`;
}
