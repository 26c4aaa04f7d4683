'use strict';
// Host tier: loads the extension from its folder (no .vsix) into a real extension host in
// code-server, through the `payload` URL that VS Code's web test runner also uses, and lets
// test/host/index.ts run mocha there with the real `vscode` API. Chromium only keeps the
// workbench page open until the results file appears.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launchChromium } = require('../lib/chromium');
const { freePort, installCodeServer, prepareUserDataDir, startCodeServer } = require('../lib/code-server');
const { demoWorkspace, repoRoot, resultsDir } = require('../lib/paths');

const RESULTS_TIMEOUT_MS = 5 * 60_000;

async function runHostTier() {
  const bin = installCodeServer();
  const outDir = path.join(resultsDir, 'host');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const resultsFile = path.join(outDir, 'results.json');
  const testsModule = path.join(repoRoot, 'out/test/host/index.js');
  if (!fs.existsSync(testsModule)) {
    throw new Error(`${testsModule} is missing: build with "node esbuild.config.mjs --tests" first`);
  }

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ondi-host-'));
  const userDataDir = path.join(scratch, 'user-data');
  const extensionsDir = path.join(scratch, 'extensions');
  const workspace = path.join(scratch, 'workspace');
  // a home folder of its own: the zero-network test looks for anything written into it
  const home = path.join(scratch, 'home');
  fs.mkdirSync(home);
  fs.cpSync(demoWorkspace, workspace, { recursive: true });
  prepareUserDataDir(userDataDir);
  fs.mkdirSync(extensionsDir, { recursive: true });

  const port = await freePort();
  const server = await startCodeServer({
    bin,
    port,
    userDataDir,
    extensionsDir,
    folder: workspace,
    env: { ONDI_RESULTS_FILE: resultsFile, HOME: home },
    logFile: path.join(outDir, 'code-server.log'),
  });
  let browser;
  try {
    const remote = (file) => `vscode-remote://127.0.0.1:${port}${file}`;
    const payload = [
      ['extensionDevelopmentPath', remote(repoRoot)],
      ['extensionTestsPath', remote(testsModule)],
    ];
    const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const consoleLines = [];
    page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
    await page.goto(url);
    const deadline = Date.now() + RESULTS_TIMEOUT_MS;
    while (!fs.existsSync(resultsFile) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await page.screenshot({ path: path.join(outDir, 'workbench.png') }).catch(() => undefined);
    fs.writeFileSync(path.join(outDir, 'browser-console.log'), consoleLines.join('\n'));
    if (!fs.existsSync(resultsFile)) {
      printExtensionHostLog(userDataDir);
      throw new Error(`no host test results after ${RESULTS_TIMEOUT_MS / 1000} s (see ${outDir})`);
    }
    return readResults(resultsFile);
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function readResults(file) {
  const results = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const failure of results.failures) {
    process.stdout.write(`  host test failed: ${failure.title}\n    ${failure.error.split('\n').join('\n    ')}\n`);
  }
  return { passed: results.passed, failed: results.failed, skipped: results.skipped };
}

/** The extension host's own log says why tests never reported (an exception in run(), say). */
function printExtensionHostLog(userDataDir) {
  const logs = path.join(userDataDir, 'logs');
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/exthost|remoteexthost/i.test(entry.name)) found.push(full);
    }
  };
  walk(logs);
  for (const file of found) {
    process.stdout.write(`--- ${file}\n${fs.readFileSync(file, 'utf8').slice(-4000)}\n`);
  }
}

module.exports = { runHostTier };
