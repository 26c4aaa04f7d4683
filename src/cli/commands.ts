/**
 * The `ondi` commands and their usage lines. The JSON each one prints is fixed by the CLI
 * contract in DESIGN.md; a command without an implementation says so and fails.
 */
export interface CliCommand {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
}

export const CLI_COMMANDS: readonly CliCommand[] = [
  {
    name: 'complete',
    usage: 'ondi complete --file F --line L --col C [--adapter P] [--json]',
    summary: 'complete the code at a position in a file',
  },
  {
    name: 'adapt',
    usage: 'ondi adapt --dir D --out P [--max-tokens N] [--json]',
    summary: "train a personal adapter on a folder's code",
  },
  {
    name: 'eval',
    usage:
      'ondi eval completion --test D [--train D2] [--personal adapter,cache,knn,snippets,retrieval] [--samples N] [--seed S] [--drafts off] [--json]\n' +
      '       ondi eval next --repo GITDIR [--commits N] [--query random|first] [--seed S] [--links on|off] [--json]\n' +
      '       ondi eval edit --repo GITDIR [--commits N] [--seed S] [--json]',
    summary: 'measure line completion, next-file or next-edit prediction',
  },
  {
    name: 'bench',
    usage: 'ondi bench [--keystrokes N] [--spots N] [--dir D] [--personal D2] [--while-training] [--json]',
    summary: 'measure load time, latency, throughput and memory of each model',
  },
  {
    name: 'report',
    usage: 'ondi report [--json]',
    summary: 'compare the model at every stage of its recipe',
  },
];

export function findCommand(name: string): CliCommand | undefined {
  return CLI_COMMANDS.find((command) => command.name === name);
}
