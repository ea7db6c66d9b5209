import { join } from 'node:path';
import { loadConfig } from '../config';
import { devApiUrl } from './apiAddress';
import { devIdentities, loadOrCreateDevKey, signDevToken } from './devAuth';
import { applyDevKeys } from './devKeys';

/**
 * `npm run dev:tokens`: `export` lines for the API's address (where `npm start` listens) and one
 * bearer token per role, signed with the dev key `npm start` trusts. Reads what `npm start` keeps
 * under .data/, so it needs no variables set by hand: `eval "$(npm run -s dev:tokens)"`.
 */
async function main(): Promise<void> {
  const dataDir = process.env.SAMVERKAN_DATA_DIR ?? join(__dirname, '..', '.data');
  // The same dev keys npm start uses, so the configuration validates as it does there.
  applyDevKeys(dataDir);
  const config = loadConfig();
  const key = loadOrCreateDevKey(join(dataDir, 'dev-signing-key.json'));
  console.log(`# the API npm start serves\nexport API=${devApiUrl(dataDir, config.port)}\n`);
  for (const who of devIdentities) {
    const token = await signDevToken(key, config.auth, who);
    const scope = [who.units?.length ? `units=${who.units.join(',')}` : '', who.supervisedUnits?.length ? `supervises=${who.supervisedUnits.join(',')}` : '']
      .filter(Boolean)
      .join(' ');
    console.log(`# ${who.roles.join(',')} (sub=${who.sub}${scope ? ` ${scope}` : ''}), an access token (typ at+jwt), valid 8 h`);
    console.log(`export TOKEN_${who.roles[0].toUpperCase()}=${token}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
