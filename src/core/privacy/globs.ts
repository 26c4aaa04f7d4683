/**
 * Glob matching for `ondi.disabledGlobs`: files that get no completions and are never learned
 * from. Kept in core (not VS Code's matcher) because the CLI and the learning worker must
 * exclude exactly the same files as the editor.
 *
 * Supported syntax: `**` (any number of folders), `*` (anything but `/`), `?` (one character
 * but `/`), `{a,b}` alternatives and `[abc]` / `[!abc]` character classes.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  let index = 0;
  let braceDepth = 0;
  while (index < glob.length) {
    const char = glob.charAt(index);
    if (char === '*') {
      if (glob.charAt(index + 1) === '*') {
        const atSegmentStart = index === 0 || glob.charAt(index - 1) === '/';
        const next = glob.charAt(index + 2);
        if (atSegmentStart && next === '/') {
          source += '(?:.*/)?'; // "**/" also matches no folder at all
          index += 3;
          continue;
        }
        source += '.*';
        index += 2;
        continue;
      }
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '{') {
      braceDepth++;
      source += '(?:';
    } else if (char === '}' && braceDepth > 0) {
      braceDepth--;
      source += ')';
    } else if (char === ',' && braceDepth > 0) {
      source += '|';
    } else if (char === '[') {
      const end = glob.indexOf(']', index + 1);
      if (end === -1) {
        source += '\\[';
      } else {
        let body = glob.slice(index + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) {
          body = '^' + body.slice(1);
        }
        source += `[${body}]`;
        index = end;
      }
    } else {
      source += char.replace(/[.+^$()|\\\]}]/g, '\\$&');
    }
    index++;
  }
  while (braceDepth-- > 0) {
    source += ')';
  }
  return new RegExp(`^${source}$`);
}

/** Forward slashes only, so Windows paths match the same patterns. */
export function normalizePath(path: string): string {
  return path.replace(/\\/g, '/');
}

/** Compiles the patterns once; the result answers whether a path matches any of them. */
export function createPathExcluder(globs: readonly string[]): (path: string) => boolean {
  const patterns = globs.map(globToRegExp);
  return (path) => {
    const normalized = normalizePath(path);
    return patterns.some((pattern) => pattern.test(normalized));
  };
}
