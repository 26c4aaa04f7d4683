import { secretSpans } from '../privacy/secretScan';

/** How a file is cut into windows (the same shape the snippets from recent files use). */
export interface WindowShape {
  /** Lines per window, and how far consecutive windows start apart. */
  readonly windowLines: number;
  readonly strideLines: number;
  /** Lines after the window that come with it (where the code went on); not searched on. */
  readonly followLines: number;
}

export const DEFAULT_SHAPE: WindowShape = { windowLines: 8, strideLines: 4, followLines: 4 };

/** A window of a file's text, by character offsets. */
export interface CodeWindow {
  /** Start of its first line. */
  readonly from: number;
  /** End of its own lines: the text that is searched. */
  readonly searchEnd: number;
  /** End of the lines that follow it: the text that is lent. */
  readonly to: number;
}

/**
 * The windows of `text` worth searching: overlapping runs of whole lines that hold at least
 * one identifier. A window whose text (lines that follow included, since they are lent too)
 * touches a detected secret or one of the `known` secret values is left out, so retrieval can
 * never put a secret in front of a prompt.
 */
export function codeWindows(text: string, known: readonly string[] = [], shape = DEFAULT_SHAPE): CodeWindow[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  if (starts[starts.length - 1] !== text.length) starts.push(text.length);
  const lineCount = starts.length - 1;
  const at = (line: number): number => starts[Math.min(lineCount, line)] ?? text.length;
  const secrets = secretSpans(text, known);
  const out: CodeWindow[] = [];
  for (let first = 0; first < lineCount; first += shape.strideLines) {
    const window = {
      from: at(first),
      searchEnd: at(first + shape.windowLines),
      to: at(first + shape.windowLines + shape.followLines),
    };
    const secret = secrets.some(({ start, end }) => start < window.to && end > window.from);
    if (!secret && IDENTIFIER.test(text.slice(window.from, window.searchEnd))) out.push(window);
    if (first + shape.windowLines >= lineCount) break;
  }
  return out;
}

const IDENTIFIER = /[A-Za-z_$][\w$]/;

/**
 * The terms code is searched by: identifiers and keywords of two characters or more, lower
 * case (a name's spelling in a call and in its definition differ only in case at times).
 * Punctuation and white space carry nothing a lexical ranking could use.
 */
export function codeTerms(text: string): string[] {
  // one-letter names (i, x) are everywhere and say nothing
  return (text.match(/[A-Za-z_$][\w$]+/g) ?? []).map((t) => t.toLowerCase());
}
