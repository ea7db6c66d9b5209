import { join } from 'node:path';
import { TEMPORAL_CLIENTS, writeTemporalPki } from './temporalPki';

/**
 * `npm run temporal:certs [-- dir]`: a fresh set of Temporal certificates for docker-compose.yml
 * (default deploy/certs, which git ignores), to try the deployment out. Production uses the
 * municipality's PKI with the same file names and common names.
 */
const dir = process.argv[2] ?? join(__dirname, '..', 'deploy', 'certs');
writeTemporalPki(dir, Object.values(TEMPORAL_CLIENTS), { serverNames: ['temporal', 'localhost', '127.0.0.1'] });
console.log(`Temporal certificates written to ${dir} (keys are readable by their owner only: give the containers' users access)`);
