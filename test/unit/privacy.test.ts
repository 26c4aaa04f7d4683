import * as assert from 'node:assert/strict';
import dgram from 'node:dgram';
import dns from 'node:dns';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import * as path from 'node:path';
import { runCli } from '../../src/cli/run';
import { createOfferGate } from '../../src/core/complete/gate';
import { waitUnlessAborted } from '../../src/core/complete/debounce';
import { DEFAULT_CONFIG, parseConfig } from '../../src/core/config';
import { EngineLifecycle } from '../../src/core/engine/lifecycle';
import { createLogger } from '../../src/core/log';
import { modelEngineLoader } from '../../src/core/engine/modelEngine';
import { presentStatus } from '../../src/core/status';

const coreDir = path.join(__dirname, '../../src/core');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Replaces every way Node opens a connection with a recorder that refuses. (Default imports:
 * the real module objects, whose properties can be replaced, unlike a namespace import.) */
function forbidNetwork(attempts: string[]): () => void {
  const restores: (() => void)[] = [];
  const trap = <T extends object>(owner: T, key: keyof T, label: string): void => {
    const original = owner[key];
    (owner as Record<keyof T, unknown>)[key] = () => {
      attempts.push(label);
      throw new Error(`network use is forbidden: ${label}`);
    };
    restores.push(() => {
      (owner as Record<keyof T, unknown>)[key] = original;
    });
  };
  trap(net.Socket.prototype, 'connect', 'net.Socket.connect');
  trap(dns, 'lookup', 'dns.lookup');
  trap(dns.promises, 'lookup', 'dns.promises.lookup');
  trap(dgram, 'createSocket', 'dgram.createSocket');
  trap(globalThis, 'fetch', 'fetch');
  return () => restores.forEach((restore) => restore());
}

describe('privacy: core never touches the network', () => {
  it('imports no networking module and calls no fetch in src/core', () => {
    const networking =
      /from ['"](node:)?(net|http|https|http2|dns|tls|dgram|undici)['"]|require\(['"](node:)?(net|http|https|http2|dns|tls|dgram)['"]\)|\bfetch\s*\(|WebSocket|XMLHttpRequest/;
    const files = sourceFiles(coreDir);
    assert.ok(files.length >= 5, 'core sources found');
    for (const file of files) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), networking, path.relative(coreDir, file));
    }
  });

  it('runs the core, the model and the CLI with every connection refused and attempts none', async function () {
    this.timeout(60000);
    const attempts: string[] = [];
    const restore = forbidNetwork(attempts);
    try {
      const { config } = parseConfig(() => undefined);
      assert.equal(createOfferGate(config)({ languageId: 'typescript', path: '/a/b.ts' }).offer, true);
      assert.equal(presentStatus({ kind: 'loading' }).text.includes('Ondi'), true);
      await runCli(['--help'], { stdout: () => undefined, stderr: () => undefined }, '0.0.0');
      await runCli(['report', '--json'], { stdout: () => undefined, stderr: () => undefined }, '0.0.0');
      assert.equal(await waitUnlessAborted(1, new AbortController().signal), true);
      assert.equal(DEFAULT_CONFIG.enable, true);
      // the real model the way the extension loads it: tokenizer, onnxruntime and a
      // completion, all with the network refused
      const lifecycle = new EngineLifecycle(
        createLogger(
          () => undefined,
          () => 'debug',
        ),
      );
      await lifecycle.start(modelEngineLoader(path.join(__dirname, '../../models/ondi-code')));
      try {
        assert.equal(lifecycle.state.kind, 'ready');
        const c = await lifecycle.engine?.complete(
          {
            prefix: 'import numpy as np\nimport matplotlib.pyplot as',
            suffix: '',
            languageId: 'python',
            path: '/a/b.py',
            position: { line: 1, character: 28 },
            maxTokens: 16,
          },
          new AbortController().signal,
        );
        assert.ok(c?.text);
      } finally {
        await lifecycle.dispose();
      }
    } finally {
      restore();
    }
    assert.deepEqual(attempts, []);
  });

  it('would notice a connection attempt (the trap itself works)', () => {
    const attempts: string[] = [];
    const restore = forbidNetwork(attempts);
    try {
      assert.throws(() => new net.Socket().connect(9, '127.0.0.1'), /network use is forbidden/);
    } finally {
      restore();
    }
    assert.deepEqual(attempts, ['net.Socket.connect']);
  });
});
