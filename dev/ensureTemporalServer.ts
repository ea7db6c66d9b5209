import { resolveTemporalServer } from './temporalServerBinary';

/** Prints the Temporal server binary's path, building it once if the cache lacks it. Progress goes to stderr. */
resolveTemporalServer((line) => process.stderr.write(`${line}\n`))
  .then(({ server }) => console.log(server))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
