import { promises as fs } from 'node:fs';
import { lineEndingOf, toLf, withLineEnding } from '../../core/complete/lineEndings';
import { AdapterFileError } from '../../core/adapt/adapterFile';
import { loadEngine, type LoadedEngine } from '../../core/engine/load';
import { applyPersonal } from '../../core/engine/modelEngine';
import { intOption, stringOption, UsageError, type Options } from '../args';
import { shippedModel } from '../paths';

/**
 * `ondi complete --file F --line L --col C [--adapter P]` (1-based line and column, as editors
 * show them), with the personal model file P when given.
 */
export async function complete(values: Options): Promise<{ completion: string; ms: number }> {
  const file = stringOption(values, 'file');
  const line = intOption(values, 'line');
  const col = intOption(values, 'col');
  // a FIFO or a device would block the read forever, or never end
  const stat = await fs.stat(file).catch(() => {
    throw new UsageError(`cannot read ${file}`);
  });
  if (!stat.isFile()) throw new UsageError(`--file ${file} is not a regular file`);
  const raw = await fs.readFile(file, 'utf8').catch(() => {
    throw new UsageError(`cannot read ${file}`);
  });
  // the pipeline reads '\n' breaks only; the completion goes back with the file's own
  const text = toLf(raw);
  const rows = text.split('\n');
  if (line < 1 || line > rows.length) throw new UsageError(`--line must be between 1 and ${rows.length}`);
  const row = rows[line - 1] ?? '';
  if (col < 1 || col > row.length + 1) throw new UsageError(`--col must be between 1 and ${row.length + 1}`);
  const offset = rows.slice(0, line - 1).reduce((n, r) => n + r.length + 1, 0) + col - 1;
  const engine = await loadEngine(values.model ?? shippedModel());
  try {
    if (values.adapter !== undefined) await applyAdapter(engine, values.adapter);
    const result = await engine.pipeline.complete(
      {
        prefix: text.slice(0, offset),
        suffix: text.slice(offset),
        languageId: file.endsWith('.py') ? 'python' : 'typescript',
        path: file,
        position: { line: line - 1, character: col - 1 },
        maxTokens: intOption(values, 'max-tokens', 48),
      },
      new AbortController().signal,
    );
    return {
      completion: withLineEnding(result?.text ?? '', lineEndingOf(raw)),
      ms: Math.round((result?.ms ?? 0) * 100) / 100,
    };
  } finally {
    await engine.dispose();
  }
}

/** A file that cannot be read or is not a fitting personal model is the caller's to fix: a usage error. */
async function applyAdapter(engine: LoadedEngine, file: string): Promise<void> {
  try {
    await applyPersonal(engine, file);
  } catch (error) {
    if (error instanceof AdapterFileError) throw new UsageError(`--adapter ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new UsageError(`--adapter ${file} cannot be read (${code})`);
    throw error;
  }
}
