#!/usr/bin/env node
'use strict';
// `npm run bench`: installs what is missing, builds, makes sure the dense fp32 reference
// model exists (exporting it from the committed checkpoint through the model recipe's venv
// when it does not), then runs `ondi bench --json`: the shipped int8 model and the dense
// reference typing through real files in one run. The JSON result is the only stdout line.
// `--reference-only` (npm run model:reference) stops after the reference exists; any other
// arguments are passed on to `ondi bench` (e.g. --keystrokes 600, --dir some/project).
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ensureDependencies } = require('./lib/dependencies');
const { repoRoot } = require('./lib/paths');

const models = path.join(repoRoot, 'models');
const reference = path.join(models, 'reference/dense');
const checkpoint = path.join(models, 'checkpoints/dense.pt');

/** Progress and tool output go to stderr so stdout carries only the JSON result. */
const quietly = { cwd: repoRoot, stdio: ['ignore', 2, 2] };

function ensureReference() {
  if (fs.existsSync(path.join(reference, 'config.json')) && fs.existsSync(path.join(reference, 'onnx/model.onnx'))) {
    return;
  }
  if (!fs.existsSync(checkpoint)) {
    throw new Error(`no dense reference at ${reference} and no checkpoint at ${checkpoint} to export it from`);
  }
  process.stderr.write('[bench] exporting the dense fp32 reference (once)\n');
  // venv.sh creates models/.venv on first use and prints its python.
  const python = execFileSync('bash', [path.join(models, 'venv.sh')], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 2],
  })
    .trim()
    .split('\n')
    .pop();
  execFileSync(
    python,
    [path.join(models, 'export.py'), '--ckpt', checkpoint, '--out', reference, '--stage', 'dense-fp32'],
    quietly,
  );
}

function main() {
  const args = process.argv.slice(2);
  const referenceOnly = args.includes('--reference-only');
  ensureDependencies();
  ensureReference();
  if (referenceOnly) {
    process.stderr.write(`[bench] dense reference ready at ${path.relative(repoRoot, reference)}\n`);
    return;
  }
  execFileSync(process.execPath, ['esbuild.config.mjs'], quietly);
  const benchArgs = args.filter((arg) => arg !== '--reference-only');
  const run = spawnSync(process.execPath, [path.join(repoRoot, 'dist/cli.js'), 'bench', '--json', ...benchArgs], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  process.exitCode = run.status ?? 1;
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench: ${error.message ?? error}\n`);
  process.exitCode = 1;
}
