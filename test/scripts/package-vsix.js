#!/usr/bin/env node
'use strict';
// Builds the production bundle and packages the extension with vsce.
//   node test/scripts/package-vsix.js                    -> ondi-<version>.vsix (every platform)
//   node test/scripts/package-vsix.js --target linux-x64 -> ondi-<version>-linux-x64.vsix
//   node test/scripts/package-vsix.js --target current   -> the target of this machine
// A target package leaves out the onnxruntime binaries of every other platform, which are
// most of the universal package's size. Prints the .vsix path as its last line.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { repoRoot } = require('./lib/paths');

const ONNXRUNTIME_BINARIES = 'node_modules/onnxruntime-node/bin/napi-v6';

function currentTarget() {
  return `${process.platform}-${process.arch}`;
}

function ignoreFileFor(target) {
  const [platform, arch] = target.split('-');
  const base = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8');
  const others = [];
  for (const platformDir of fs.readdirSync(path.join(repoRoot, ONNXRUNTIME_BINARIES))) {
    for (const archDir of fs.readdirSync(path.join(repoRoot, ONNXRUNTIME_BINARIES, platformDir))) {
      if (platformDir !== platform || archDir !== arch) {
        others.push(`${ONNXRUNTIME_BINARIES}/${platformDir}/${archDir}/**`);
      }
    }
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ondi-vsce-')), '.vscodeignore');
  fs.writeFileSync(file, `${base}\n# onnxruntime binaries of other platforms\n${others.join('\n')}\n`);
  return file;
}

function packageVsix(requestedTarget) {
  const target = requestedTarget === 'current' ? currentTarget() : requestedTarget;
  const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const out = path.join(repoRoot, `ondi-${version}${target ? `-${target}` : ''}.vsix`);
  const vsce = path.join(repoRoot, 'node_modules/.bin/vsce');
  // The README's relative links (its picture of the dashboard) stay relative: the picture
  // ships in media/, and VS Code shows the README from the installed folder.
  const args = ['package', '--out', out, '--skip-license', '--no-rewrite-relative-links'];
  if (target) {
    args.push('--target', target, '--ignoreFile', ignoreFileFor(target));
  }
  execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.config.mjs'), '--production'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  // vsce runs `vscode:prepublish` itself only when asked; the bundle was just built above.
  const result = spawnSync(vsce, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    process.stderr.write(output);
    throw new Error(`vsce package failed (exit ${result.status ?? result.signal})`);
  }
  process.stderr.write(`${summarizeVsce(output, out)}\n`);
  return out;
}

/**
 * vsce's output in one line. Its bundling warning counts the JavaScript files of the runtime
 * dependencies (onnxruntime-node, the tokenizer library), which ship unbundled on purpose:
 * native binaries and files they load by path. Its file tree is `vsce ls --tree`.
 * Any other warning is kept.
 */
function summarizeVsce(output, out) {
  const kept = output
    .split('\n')
    .filter((line) => /^\s*(WARNING|ERROR)\b/.test(line) && !/you should bundle your extension/.test(line));
  const done = /Packaged: .*\((\d+) files, ([\d.]+ \w+)\)/.exec(output);
  const summary = done
    ? `packaged ${path.basename(out)} (${done[1]} files, ${done[2]})`
    : `packaged ${path.basename(out)}`;
  return [...kept, summary].join('\n');
}

if (require.main === module) {
  const index = process.argv.indexOf('--target');
  const target = index >= 0 ? process.argv[index + 1] : undefined;
  process.stdout.write(`${packageVsix(target)}\n`);
}

module.exports = { packageVsix, currentTarget };
