#!/usr/bin/env node
'use strict';
/* global document -- the wait for the window title runs in the page */
// `npm run bench:editor`: felt latency of inline completions in the real editor. Packages the
// .vsix, installs it into a fresh code-server (fresh user data and HOME), opens a copy of the
// umami fixture (test/fixtures/editor-bench) in Debian's Chromium and types through files of
// it at a human cadence, at places a seeded plan picks. Per probe (the last key before a
// pause) it measures key press -> ghost text in the DOM (page side) and splits it with Ondi's
// own timing records (ONDI_TIMING_FILE): VS Code's share before Ondi, Ondi's wait, the
// worker's queue, the engine, the host's own work and the way back to the page. It runs with
// the base model, then with a personal model trained (`ondi adapt`) on the fixture's other
// files. Writes test-results/bench-editor.json and prints a table.
//   --probes N (120 per model: about 40 of them new suggestions, enough for a p95 that is not
//   just the second slowest)  --seed S (7)  --cadence MS (80)  --only base|personal
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launchChromium } = require('./lib/chromium');
const {
  freePort,
  installCodeServer,
  installExtension,
  prepareUserDataDir,
  startCodeServer,
} = require('./lib/code-server');
const { ensureDependencies } = require('./lib/dependencies');
const { repoRoot, resultsDir } = require('./lib/paths');
const { packageVsix } = require('./package-vsix');
const felt = require('./lib/felt-latency');
const {
  seeded,
  planVisits,
  installWatch,
  readWatch,
  ghostNow,
  typeAtCadence,
  lastKeyAt,
  sleep,
} = require('./lib/editor-probes');

const fixtureDir = path.join(repoRoot, 'test/fixtures/editor-bench');
const outDir = path.join(resultsDir, 'bench-editor');
/** How long a probe waits for ghost text before it counts as none. */
const SETTLE_MS = 3000;

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const say = (text) => process.stderr.write(`[bench:editor] ${text}\n`);
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).map(Number);

/** The extension's folder for this workspace's personal model (src/core/adapt/personalStore.ts). */
function workspaceKey(folder) {
  const normalized = path.resolve(folder).replace(/\\/g, '/').replace(/\/+$/, '');
  return crypto.createHash('sha256').update(normalized).digest('hex').slice(0, 16);
}

function readRecords(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** Polls `check` until it returns something truthy or `timeoutMs` passes. */
async function until(check, timeoutMs, stepMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await sleep(stepMs);
  }
}

/** The Ondi log file the extension host writes (LogOutputChannel), once it exists. */
function ondiLog(userDataDir) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/Ondi\.log$/.test(entry.name)) found.push(full);
    }
  };
  if (fs.existsSync(path.join(userDataDir, 'logs'))) walk(path.join(userDataDir, 'logs'));
  return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

/**
 * One probe: the last key has just been pressed. Waits until Ondi's answer is on screen, or
 * nothing more will come, and splits the time.
 */
async function measureProbe(page, timingFile, probe) {
  await until(async () => {
    const records = readRecords(timingFile).filter((r) => r.calledAt >= probe.keyAt - 1);
    const shown = felt.matchRecord(probe, records);
    if (shown) {
      const { renders } = await readWatch(page, shown.returnedAt - 1);
      return renders.some((r) => r.text.length > 0);
    }
    // every request since the key has ended without a suggestion, and VS Code asks no more
    return records.length > 0 && Date.now() - Math.max(...records.map((r) => r.returnedAt)) > 500;
  }, SETTLE_MS);
  const records = readRecords(timingFile);
  const { renders } = await readWatch(page, probe.keyAt - 1);
  return { ...probe, ...felt.splitProbe(probe, records, renders) };
}

async function openFile(page, relative) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(relative);
  await page
    .locator('.quick-input-list .monaco-list-row')
    .first()
    // Enter before the list is filtered would open the top row of the recently opened files
    .filter({ hasText: path.basename(relative) })
    .waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  // the window title names the active editor's file
  await page.waitForFunction((name) => document.title.includes(name), path.basename(relative), { timeout: 10_000 });
}

/** Ctrl+G to a 1-based line, then End: the cursor at the end of that line. */
async function goToLineEnd(page, line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.keyboard.press('End');
}

/** Types through the plan in one workbench; returns the probes and the run's records. */
async function typeThrough(page, { visits, cadenceMs, timingFile, seed, probesWanted, screenshot }) {
  const random = seeded(seed + 1);
  const probes = [];
  let open;
  let shot = false;
  const probeHere = async (visit, gesture, line) => {
    const keyAt = await lastKeyAt(page);
    const probe = await measureProbe(page, timingFile, { path: visit.path, line, gesture, keyAt });
    probes.push(probe);
    if (screenshot && !shot && probe.kind === 'model') {
      await page.screenshot({ path: screenshot });
      shot = true;
    }
    say(
      `  ${probes.length}: ${visit.path}:${line + 1} ${gesture} -> ${probe.kind}` +
        (probe.felt === undefined ? '' : ` ${probe.felt} ms`) +
        (probe.parts ? ` (engine ${probe.parts.engine}, queue ${probe.parts.queue})` : ''),
    );
    return probe;
  };
  const failures = [];
  for (const visit of visits) {
    if (probes.length >= probesWanted) break;
    try {
      await visitOnce(visit);
    } catch (error) {
      // a gesture that did not land (a slow workbench): noted, the next visit starts afresh
      failures.push({ path: visit.path, line: visit.line + 1, error: String(error.message || error).split('\n')[0] });
      say(`  visit ${visit.path}:${visit.line + 1} failed: ${failures[failures.length - 1].error}`);
      await page.screenshot({ path: path.join(outDir, `failed-${failures.length}.png`) }).catch(() => undefined);
      for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
      open = undefined;
    }
  }
  return { probes, failures };

  async function visitOnce(visit) {
    if (open !== visit.path) {
      await openFile(page, visit.path);
      await page.locator('.part.editor .view-lines').first().click();
      open = visit.path;
      await sleep(500);
    }
    // the line before the one to type: its end, then a new line
    await goToLineEnd(page, visit.line);
    await sleep(visit.pauseMs);
    await page.keyboard.press('Enter');
    await probeHere(visit, 'new line', visit.line);
    await sleep(visit.pauseMs);
    await typeAtCadence(page, visit.text.slice(0, visit.first), cadenceMs, random);
    await probeHere(visit, 'typed', visit.line);
    await sleep(visit.pauseMs);
    // on into the ghost text when there is one (as suggested), else on as the file reads
    const ghost = (await ghostNow(page)).trimEnd();
    const into = ghost.length >= visit.more + 1;
    const more = into ? ghost.slice(0, visit.more) : visit.text.slice(visit.first, visit.first + visit.more);
    if (more.length > 0) {
      await typeAtCadence(page, more, cadenceMs, random);
      await probeHere(visit, into ? 'into ghost' : 'typed on', visit.line);
    }
    // leave the file as it was: the typed line goes again
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+K');
    await sleep(300);
  }
}

/** One model configuration in a fresh code-server: base, or with the personal model file. */
async function runConfig(name, { bin, vsix, fixture, typed, personalFrom, visits, options }) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `ondi-bench-editor-${name}-`));
  const userDataDir = path.join(scratch, 'user-data');
  const extensionsDir = path.join(scratch, 'extensions');
  const home = path.join(scratch, 'home');
  const workspace = path.join(scratch, 'umami');
  const timingFile = path.join(scratch, 'timing.jsonl');
  fs.mkdirSync(home);
  fs.cpSync(fixture, workspace, { recursive: true });
  prepareUserDataDir(userDataDir, {
    // as the e2e tier: VS Code's own suggest widget stays out of the way of the ghost text
    'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
    'editor.suggestOnTriggerCharacters': false,
    // no training of its own while the benchmark types
    'ondi.learning.idleSeconds': 3600,
  });
  installExtension(bin, vsix, { userDataDir, extensionsDir });
  let adapt;
  if (personalFrom) {
    // the personal model learns the fixture's files but the typed ones, where the extension loads it
    const learnDir = path.join(scratch, 'learn');
    fs.cpSync(fixture, learnDir, { recursive: true });
    for (const file of typed) fs.rmSync(path.join(learnDir, file));
    const out = path.join(userDataDir, 'User/globalStorage/ondi.ondi', workspaceKey(workspace), 'personal.ondi');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    say(`training the personal model on ${path.relative(scratch, learnDir)} (${typed.length} typed files left out)`);
    const json = execFileSync(
      process.execPath,
      [path.join(repoRoot, 'dist/cli.js'), 'adapt', '--dir', learnDir, '--out', out, '--json'],
      { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    adapt = JSON.parse(json.trim().split('\n').pop());
  }
  const load = { before: loadavg() };
  const server = await startCodeServer({
    bin,
    port: await freePort(),
    userDataDir,
    extensionsDir,
    folder: workspace,
    env: { HOME: home, ONDI_TIMING_FILE: timingFile },
    logFile: path.join(outDir, `code-server-${name}.log`),
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page.locator('[id="ondi.ondi.status"] .codicon-sparkle').waitFor({ timeout: 120_000 });
    if (personalFrom) {
      const applied = await until(() => /personal model applied/.test(ondiLog(userDataDir)), 120_000, 500);
      if (!applied) throw new Error('the extension did not apply the personal model within two minutes');
    }
    await page.evaluate(installWatch);
    say(`${name}: ready, typing ${options.probes} probes at ${options.cadence} ms per key`);
    const { probes, failures } = await typeThrough(page, {
      visits,
      cadenceMs: options.cadence,
      timingFile,
      seed: options.seed,
      probesWanted: options.probes,
      screenshot: name === 'base' ? path.join(outDir, 'ghost.png') : undefined,
    });
    load.after = loadavg();
    const records = readRecords(timingFile);
    fs.copyFileSync(timingFile, path.join(outDir, `timing-${name}.jsonl`));
    const summary = felt.summarize(probes, records);
    return {
      name,
      ...(adapt ? { adapt } : {}),
      loadavg: load,
      summary,
      verdict: felt.verdict(summary),
      failures,
      probes,
    };
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const cell = (s) => (s && s.n > 0 ? `${s.p50} / ${s.p95}` : '-');

function table(runs) {
  const columns = [];
  for (const run of runs) {
    columns.push({ head: `${run.name}: model ran (n=${run.summary.model.felt.n})`, block: run.summary.model });
    columns.push({ head: `${run.name}: cache (n=${run.summary.cached.felt.n})`, block: run.summary.cached });
  }
  const rows = [
    ['felt: key -> ghost text', 'felt'],
    ['VS Code before Ondi', 'before'],
    ["Ondi's wait", 'wait'],
    ['queue in the worker', 'queue'],
    ['engine', 'engine'],
    ['host work and hops', 'host'],
    ['way back to the page', 'back'],
    ["Ondi's share (called -> returned)", 'ondi'],
  ];
  const lines = [`| p50 / p95 ms | ${columns.map((c) => c.head).join(' | ')} |`];
  lines.push(`| --- | ${columns.map(() => '---').join(' | ')} |`);
  for (const [label, key] of rows) lines.push(`| ${label} | ${columns.map((c) => cell(c.block[key])).join(' | ')} |`);
  for (const run of runs) {
    const s = run.summary;
    lines.push(
      `${run.name}: ${s.probes} probes, ${s.editor.n} kept by the editor, ${s.none} without ghost text; ` +
        `${s.requests} requests, ${s.model_runs} model runs (engine ${cell(s.engine_all_runs)} ms); ` +
        `${s.waited_behind_stale} waited behind a stale request (${cell(s.stale_wait_ms)} ms); ` +
        `load ${run.loadavg.before.join(' ')} -> ${run.loadavg.after.join(' ')}; ` +
        `targets ${Object.entries(run.verdict)
          .map(([k, v]) => `${k} ${v === undefined ? 'n/a' : v ? 'met' : 'missed'}`)
          .join(', ')}`,
    );
  }
  return lines.join('\n');
}

async function main() {
  const options = {
    probes: Number(option('probes', '120')),
    seed: Number(option('seed', '7')),
    cadence: Number(option('cadence', '80')),
    only: option('only', undefined),
  };
  ensureDependencies();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const bin = installCodeServer();
  const vsix = process.env.ONDI_BENCH_VSIX || packageVsix('current');
  const meta = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'bench.json'), 'utf8'));
  const fixture = path.join(fixtureDir, meta.workspace);
  const files = meta.typed.map((p) => ({ path: p, text: fs.readFileSync(path.join(fixture, p), 'utf8') }));
  // three probes a visit, and some give fewer
  const visits = planVisits(files, Math.ceil(options.probes / 2), options.seed);
  const started = { at: new Date().toISOString(), loadavg: loadavg() };
  const runs = [];
  for (const name of ['base', 'personal']) {
    if (options.only && options.only !== name) continue;
    say(`${name}: starting code-server`);
    runs.push(
      await runConfig(name, {
        bin,
        vsix,
        fixture,
        typed: meta.typed,
        personalFrom: name === 'personal',
        visits,
        options,
      }),
    );
  }
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const result = {
    commit,
    started,
    ended: { at: new Date().toISOString(), loadavg: loadavg() },
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model },
    fixture: { source: meta.source, commit: meta.commit, typed: meta.typed },
    options,
    targets: felt.TARGETS,
    runs,
  };
  fs.writeFileSync(path.join(resultsDir, 'bench-editor.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${table(runs)}\n`);
  say(`wrote ${path.relative(repoRoot, path.join(resultsDir, 'bench-editor.json'))}`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
