#!/usr/bin/env node
'use strict';
// `npm test`: installs what is missing, builds, then runs every tier and ends with ONE line
// "N passed, N failed" (", N skipped" when any) that adds up all of them.
//   static  lint (ESLint, which also keeps `vscode` out of src/core), the formatter's check
//           (Prettier) and the type check
//   unit    mocha on src/core and src/cli in plain Node
//   host    mocha inside a real VS Code extension host (code-server)
//   e2e     Chromium drives code-server with the packaged .vsix installed
//   models  `bash models/test.sh`, when the model recipe provides it
// `--tier NAME` (repeatable) runs only those tiers.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ensureDependencies } = require('./lib/dependencies');
const { repoRoot, resultsDir } = require('./lib/paths');

const ALL_TIERS = ['static', 'unit', 'host', 'e2e', 'models'];

function requestedTiers() {
  const tiers = [];
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--tier' && args[i + 1]) tiers.push(args[++i]);
  }
  const unknown = tiers.filter((tier) => !ALL_TIERS.includes(tier));
  if (unknown.length > 0) throw new Error(`unknown tier(s): ${unknown.join(', ')}; known: ${ALL_TIERS.join(', ')}`);
  return tiers.length > 0 ? tiers : ALL_TIERS;
}

function heading(text) {
  process.stdout.write(`\n=== ${text} ===\n`);
}

function run(command, args, env = {}) {
  return spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } }).status === 0;
}

const node = process.execPath;
const bin = (name) => path.join(repoRoot, 'node_modules', name);

function build() {
  return run(node, ['esbuild.config.mjs', '--tests']);
}

/** What `npm run format` rewrites and the static tier checks (.prettierignore leaves out data and generated files). */
const FORMATTED = ['src', 'test', '*.mjs'];

function staticChecks() {
  heading('static: eslint');
  const lint = run(node, [bin('eslint/bin/eslint.js'), '.']);
  heading('static: prettier --check');
  const format = run(node, [bin('prettier/bin/prettier.cjs'), '--check', ...FORMATTED]);
  heading('static: tsc --noEmit');
  // the dashboard page is type-checked on its own, against the browser's DOM instead of Node
  const types =
    run(node, [bin('typescript/bin/tsc'), '--noEmit', '-p', '.']) &&
    run(node, [bin('typescript/bin/tsc'), '--noEmit', '-p', 'src/webview']);
  const checks = [lint, format, types];
  return { passed: checks.filter(Boolean).length, failed: checks.filter((ok) => !ok).length, skipped: 0 };
}

function unitTests() {
  const resultsFile = path.join(resultsDir, 'unit/results.json');
  fs.rmSync(resultsFile, { force: true });
  const ok = run(node, [bin('mocha/bin/mocha.js'), '--config', 'test/unit/.mocharc.json'], {
    ONDI_RESULTS_FILE: resultsFile,
  });
  if (!fs.existsSync(resultsFile)) {
    return { passed: 0, failed: 1, skipped: 0, note: `mocha wrote no results (ok=${ok})` };
  }
  const { passed, failed, skipped } = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  return { passed, failed, skipped };
}

/** Runs the model recipe's own tests and reads its closing "N passed, N failed" line. */
function modelsTests() {
  const script = path.join(repoRoot, 'models/test.sh');
  if (!fs.existsSync(script)) {
    return undefined;
  }
  return new Promise((resolve) => {
    const child = spawn('bash', [script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (stream, sink) =>
      stream.on('data', (chunk) => {
        output += chunk;
        sink.write(chunk);
      });
    collect(child.stdout, process.stdout);
    collect(child.stderr, process.stderr);
    child.on('close', (code) => {
      const matches = [...output.matchAll(/(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/g)];
      const last = matches[matches.length - 1];
      if (!last) {
        resolve({
          passed: 0,
          failed: 1,
          skipped: 0,
          note: `models/test.sh printed no "N passed, N failed" line (exit ${code})`,
        });
        return;
      }
      const counts = { passed: Number(last[1]), failed: Number(last[2]), skipped: Number(last[3] ?? 0) };
      if (code !== 0 && counts.failed === 0) {
        resolve({ ...counts, failed: 1, note: `models/test.sh exited ${code}` });
        return;
      }
      resolve(counts);
    });
  });
}

async function runTier(name) {
  switch (name) {
    case 'static':
      return staticChecks();
    case 'unit':
      heading('unit: mocha in Node');
      return unitTests();
    case 'host':
      heading('host: mocha inside the VS Code extension host (code-server)');
      return require('./tiers/host').runHostTier();
    case 'e2e':
      heading('e2e: Chromium drives code-server with the .vsix installed');
      return require('./tiers/e2e').runE2eTier();
    case 'models':
      if (!fs.existsSync(path.join(repoRoot, 'models/test.sh'))) return undefined;
      heading('models: bash models/test.sh');
      return modelsTests();
  }
  throw new Error(`unknown tier ${name}`);
}

async function main() {
  const tiers = requestedTiers();
  const summary = [];
  try {
    ensureDependencies();
    heading('build');
    if (!build()) throw new Error('the build failed');
  } catch (error) {
    summary.push({ tier: 'setup', passed: 0, failed: 1, skipped: 0, note: String(error.message ?? error) });
    tiers.length = 0;
  }
  for (const tier of tiers) {
    try {
      const counts = await runTier(tier);
      if (counts) summary.push({ tier, ...counts });
    } catch (error) {
      process.stderr.write(`${tier} tier failed to run: ${error.stack ?? error}\n`);
      summary.push({ tier, passed: 0, failed: 1, skipped: 0, note: String(error.message ?? error).split('\n')[0] });
    }
  }

  heading('summary');
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const row of summary) {
    total.passed += row.passed;
    total.failed += row.failed;
    total.skipped += row.skipped ?? 0;
    const note = row.note ? `  (${row.note})` : '';
    process.stdout.write(
      `${row.tier.padEnd(7)} ${row.passed} passed, ${row.failed} failed, ${row.skipped ?? 0} skipped${note}\n`,
    );
  }
  process.exitCode = total.failed > 0 || summary.length === 0 ? 1 : 0;
  const skipped = total.skipped > 0 ? `, ${total.skipped} skipped` : '';
  process.stdout.write(`${total.passed} passed, ${total.failed} failed${skipped}\n`);
}

main();
