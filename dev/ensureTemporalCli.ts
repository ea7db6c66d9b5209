// CLI entry: prints the Temporal CLI path on stdout (so scripts can capture it); progress goes to stderr.
import { resolveTemporalCli } from './temporalCli';

resolveTemporalCli({ log: (line) => process.stderr.write(`${line}\n`) }).then(
  (cliPath) => {
    process.stdout.write(`${cliPath}\n`);
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
