import { parseArgs } from 'node:util';

/** Options shared by the commands; each command checks the ones it needs. */
export function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      file: { type: 'string' },
      line: { type: 'string' },
      col: { type: 'string' },
      adapter: { type: 'string' },
      model: { type: 'string' },
      dir: { type: 'string' },
      out: { type: 'string' },
      'max-tokens': { type: 'string' },
      'cache-tokens': { type: 'string' },
      test: { type: 'string' },
      train: { type: 'string' },
      samples: { type: 'string' },
      seed: { type: 'string' },
      repo: { type: 'string' },
      commits: { type: 'string' },
      query: { type: 'string' },
      links: { type: 'string' },
      keystrokes: { type: 'string' },
      spots: { type: 'string' },
      only: { type: 'string' },
      show: { type: 'string' },
      personal: { type: 'string' },
      'personal-parts': { type: 'string' },
      rounds: { type: 'string' },
      'while-training': { type: 'boolean' },
      drafts: { type: 'string' },
    },
  });
}

export type Options = ReturnType<typeof parseOptions>['values'];

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function intOption(values: Options, name: keyof Options, fallback?: number): number {
  const raw = values[name];
  if (raw === undefined || raw === true || raw === false) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, not "${String(raw)}"`);
  return n;
}

export function stringOption(values: Options, name: keyof Options): string {
  const raw = values[name];
  if (typeof raw !== 'string' || raw === '') throw new UsageError(`--${name} is required`);
  return raw;
}
