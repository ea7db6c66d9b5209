import { join } from 'node:path';
import { loadConfig } from '../config';
import { devIdentities, loadOrCreateDevKey, signDevToken } from './devAuth';

/** `npm run dev:tokens`: one bearer token per role, signed with the dev key `npm start` trusts. */
async function main(): Promise<void> {
  const config = loadConfig();
  const key = loadOrCreateDevKey(join(process.env.SAMVERKAN_DATA_DIR ?? join(__dirname, '..', '.data'), 'dev-signing-key.json'));
  for (const who of devIdentities) {
    const token = await signDevToken(key, config.auth, who);
    const scope = [who.units?.length ? `units=${who.units.join(',')}` : '', who.supervisedUnits?.length ? `supervises=${who.supervisedUnits.join(',')}` : '']
      .filter(Boolean)
      .join(' ');
    console.log(`# ${who.roles.join(',')} (sub=${who.sub}${scope ? ` ${scope}` : ''}), valid 8 h`);
    console.log(`export TOKEN_${who.roles[0].toUpperCase()}=${token}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
