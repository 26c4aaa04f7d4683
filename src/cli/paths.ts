import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The extension's root (holding package.json), found upward from this file: works from dist/ and src/. */
export function packageRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
  return dir;
}

export const shippedModel = (): string => path.join(packageRoot(), 'models', 'ondi-code');
export const denseReference = (): string => path.join(packageRoot(), 'models', 'reference', 'dense');
export const modelReport = (): string => path.join(packageRoot(), 'models', 'report.json');
