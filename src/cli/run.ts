import { parseOptions, UsageError } from './args';
import { CLI_COMMANDS, findCommand, type CliCommand } from './commands';
import { adapt } from './handlers/adapt';
import { bench } from './handlers/bench';
import { complete } from './handlers/complete';
import { evalCompletion } from './handlers/evalCompletion';
import { evalEdit } from './handlers/evalEdit';
import { evalNext } from './handlers/evalNext';
import { report } from './handlers/report';

/** Where the CLI writes; injected so tests capture output without touching the process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Runs the `ondi` command line and returns its exit code. With `--json`, stdout carries exactly
 * one JSON object (a result, or `{"error": "..."}`) and everything else goes to stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo, version: string): Promise<number> {
  const json = argv.includes('--json');
  const fail = (message: string, code: number): number => {
    if (json) {
      io.stdout(JSON.stringify({ error: message }) + '\n');
    }
    io.stderr(`ondi: ${message}\n`);
    return code;
  };

  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpText(version));
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${version}\n`);
    return EXIT_OK;
  }
  const command = findCommand(name);
  if (!command) {
    return fail(`unknown command "${name}" (see ondi --help)`, EXIT_USAGE);
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandHelp(command));
    return EXIT_OK;
  }
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseOptions(rest));
  } catch (error) {
    return fail(`${command.name}: ${error instanceof Error ? error.message : String(error)}`, EXIT_USAGE);
  }
  const progress = (text: string): void => io.stderr(text);
  const handlers: Record<string, (() => Promise<unknown>) | undefined> = {
    complete: () => complete(values),
    adapt: () => adapt(values, progress),
    bench: () => bench(values, progress),
    report: () => report(),
    eval:
      positionals[0] === 'completion'
        ? () => evalCompletion(values, progress)
        : positionals[0] === 'next'
          ? () => evalNext(values, progress)
          : positionals[0] === 'edit'
            ? () => evalEdit(values, progress)
            : undefined,
  };
  const handler = handlers[command.name];
  if (!handler)
    return fail(`${command.name} ${positionals.join(' ')}: not implemented yet`.replace(/ +:/, ':'), EXIT_FAILURE);
  try {
    const result = await handler();
    io.stdout(json ? JSON.stringify(result) + '\n' : JSON.stringify(result, null, 2) + '\n');
    return EXIT_OK;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(`${command.name}: ${message}`, error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE);
  }
}

export function helpText(version: string): string {
  const width = Math.max(...CLI_COMMANDS.map((command) => command.name.length));
  const lines = CLI_COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    `ondi ${version} — on-device personal code AI`,
    '',
    'Usage: ondi <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  --json     print one JSON object on stdout (progress goes to stderr)',
    '  --help     show help for ondi or for a command',
    '  --version  print the version',
    '',
  ].join('\n');
}

function commandHelp(command: CliCommand): string {
  return `${command.summary}\n\nUsage: ${command.usage}\n`;
}
