import type { Tokenizer } from '../model/tokenizer';
import { toLf } from './lineEndings';
import { snippetIndexOf, type SnippetIndex } from './snippetIndex';
import { bestMatch, type SnippetMatch } from './snippets';

/** Files beyond this size (minified bundles, data) lend no snippets. */
export const MAX_FILE_CHARS = 200_000;

/**
 * The files the user worked in lately (left or saved), indexed for snippets: code written next
 * door is the likeliest to be written again here. The file being completed never lends to
 * itself (its own text is already in the prompt).
 */
export class RecentFiles {
  private readonly files = new Map<string, SnippetIndex>();

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly separator: number,
    private readonly limit = 8,
  ) {}

  get paths(): readonly string[] {
    return [...this.files.keys()];
  }

  /** Empty text forgets the path, and every file under it when it was a folder. */
  note(path: string, text: string): void {
    this.files.delete(path);
    if (text.length === 0) {
      for (const known of this.files.keys()) if (isInside(known, path)) this.files.delete(known);
      return;
    }
    if (text.length > MAX_FILE_CHARS) return;
    // prompts hold '\n' breaks only: a CRLF file's snippets must match them and lend no '\r'
    const ids = [this.separator, ...this.tokenizer.encode(toLf(text))];
    this.files.set(path, snippetIndexOf(ids, this.tokenizer.vocabText, this.separator));
    for (const oldest of this.files.keys()) {
      if (this.files.size <= this.limit) break;
      this.files.delete(oldest);
    }
  }

  match(promptIds: readonly number[], exceptPath: string): SnippetMatch | undefined {
    const others = [...this.files].filter(([path]) => path !== exceptPath);
    const best = bestMatch(others.map(([, index]) => index.match(promptIds)));
    if (best || !others[0]?.[1].onFirstLine(promptIds)) return best;
    // Nothing above the cursor says which language this is ("import" starts JavaScript and
    // Python alike): the head of the latest file with the same extension does.
    const kind = extensionOf(exceptPath);
    return others
      .reverse()
      .find(([path]) => kind !== '' && extensionOf(path) === kind)?.[1]
      .head();
  }
}

function isInside(file: string, folder: string): boolean {
  return (
    file.length > folder.length &&
    file.startsWith(folder) &&
    (file[folder.length] === '/' || file[folder.length] === '\\')
  );
}

function extensionOf(file: string): string {
  const name = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}
