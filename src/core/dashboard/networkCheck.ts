import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Node's modules that open connections or resolve names. */
export const NETWORK_MODULES: readonly string[] = Object.freeze([
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dns',
  'dgram',
]);

export interface BundleScan {
  /** When the bundles were read (ISO time). */
  readonly at: string;
  readonly scanned: readonly { readonly file: string; readonly bytes: number }[];
  /** Networking modules some bundle loads, e.g. ["https"]. */
  readonly modulesFound: readonly string[];
}

/**
 * Reads Ondi's own bundles (every line of its code and the libraries bundled into it) and
 * lists the Node networking modules they load. The bundles are CommonJS built by esbuild,
 * so each module they use appears as require("name") or require("node:name").
 */
export async function scanBundles(files: readonly string[], now = Date.now()): Promise<BundleScan> {
  const pattern = new RegExp(`require\\(\\s*["'](?:node:)?(${NETWORK_MODULES.join('|')})(?:/[^"']*)?["']\\s*\\)`, 'g');
  const scanned: { file: string; bytes: number }[] = [];
  const found = new Set<string>();
  for (const file of files) {
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    scanned.push({ file: path.basename(file), bytes: Buffer.byteLength(text) });
    for (const match of text.matchAll(pattern)) if (match[1]) found.add(match[1]);
  }
  return { at: new Date(now).toISOString(), scanned, modulesFound: [...found].sort() };
}
