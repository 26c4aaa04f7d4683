import { cutRepetition } from './postprocess';

/**
 * When to stop generating. Single-line by default: the completion ends at the line's end, or
 * where it starts to repeat itself. Multi-line when the cursor sits on an empty line right
 * after a block opener: the block's body is completed until the indentation falls back to
 * the opener's (a closing bracket at that indentation is kept, what follows it is not).
 */
export type StopRule = (text: string) => string | undefined;

export type Mode = { readonly kind: 'line' } | { readonly kind: 'block'; readonly openerIndent: number };

const OPENER = /[{[(:]\s*$|=>\s*$/;

export function completionMode(prefix: string): Mode {
  const lines = prefix.split('\n');
  const current = lines[lines.length - 1] ?? '';
  if (current.trim() !== '' || lines.length < 2) return { kind: 'line' };
  for (let i = lines.length - 2; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    return OPENER.test(line) ? { kind: 'block', openerIndent: indentOf(line) } : { kind: 'line' };
  }
  return { kind: 'line' };
}

export function stopRule(mode: Mode, maxLines = 8): StopRule {
  if (mode.kind === 'line') {
    return (text) => {
      const nl = text.indexOf('\n');
      if (nl >= 0) return text.slice(0, nl);
      // A loop never reaches the end of the line: stop at its first occurrence (postprocess
      // would cut it there anyway) instead of spending the whole token budget on it. Such
      // runs made up the slowest 6% of completions in the typing benchmark.
      const cut = cutRepetition(text);
      return cut === text ? undefined : cut;
    };
  }
  return (text) => {
    const lines = text.split('\n');
    // Lines after the first are judged once whole (the last one may still be growing); the
    // first line takes its indentation from the cursor's line.
    for (let i = 1; i < lines.length - 1; i++) {
      const line = lines[i] ?? '';
      if (line.trim() === '') continue;
      if (indentOf(line) <= mode.openerIndent) {
        const closes = /^\s*[}\])]/.test(line);
        return lines
          .slice(0, closes ? i + 1 : i)
          .join('\n')
          .replace(/\s+$/, '');
      }
      if (i >= maxLines) return lines.slice(0, i).join('\n').replace(/\s+$/, '');
    }
    return undefined;
  };
}

/**
 * How long the editor lets a block grow before it ends at its last whole line: its first lines
 * show sooner (a new block of eight lines took 250-650 ms on two cores) and, once accepted, the
 * next request goes on from there. Completions of one line are never cut.
 */
export const EDITOR_BLOCK_BUDGET_MS = 100;

/**
 * `rule`, except that a block still growing after `budgetMs` (from now) ends at its last whole
 * line; the first line is always finished.
 */
export function withinBudget(rule: StopRule, mode: Mode, budgetMs: number, now = () => performance.now()): StopRule {
  if (mode.kind === 'line' || !Number.isFinite(budgetMs)) return rule;
  const started = now();
  return (text) => {
    const stopped = rule(text);
    if (stopped !== undefined || now() - started < budgetMs) return stopped;
    const whole = text.slice(0, Math.max(0, text.lastIndexOf('\n'))).replace(/\s+$/, '');
    return whole.trim() ? whole : undefined;
  };
}

function indentOf(line: string): number {
  let n = 0;
  for (const c of line) {
    if (c === ' ') n++;
    else if (c === '\t') n += 4;
    else break;
  }
  return n;
}
