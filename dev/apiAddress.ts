import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm start` tells `npm run dev:tokens` its API listens (it may not be the default port). */
const file = (dataDir: string) => join(dataDir, 'api-url');

export function writeDevApiUrl(dataDir: string, url: string): void {
  writeFileSync(file(dataDir), `${url}\n`);
}

export function removeDevApiUrl(dataDir: string): void {
  rmSync(file(dataDir), { force: true });
}

/** The address npm start wrote, else the one it would listen on. */
export function devApiUrl(dataDir: string, port: number): string {
  return existsSync(file(dataDir)) ? readFileSync(file(dataDir), 'utf8').trim() : `http://localhost:${port}`;
}
