import { runCli } from './run';

/** Entry point of the `ondi` binary (dist/cli.js). The version is filled in at build time. */
declare const ONDI_VERSION: string;

runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
  ONDI_VERSION,
).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ondi: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
