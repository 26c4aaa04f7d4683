'use strict';
// End-to-end tier: packages the .vsix for this machine, installs it into a fresh code-server
// the way a user would (--install-extension), serves a copy of the demo workspace, and runs
// test/e2e/*.test.ts with mocha; those tests drive Debian's Chromium through Playwright.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  freePort,
  installCodeServer,
  installExtension,
  prepareUserDataDir,
  startCodeServer,
} = require('../lib/code-server');
const { demoWorkspace, repoRoot, resultsDir } = require('../lib/paths');
const { packageVsix } = require('../package-vsix');

async function runE2eTier() {
  const bin = installCodeServer();
  const outDir = path.join(resultsDir, 'e2e');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const vsix = packageVsix('current');

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ondi-e2e-'));
  const userDataDir = path.join(scratch, 'user-data');
  const extensionsDir = path.join(scratch, 'extensions');
  const workspace = path.join(scratch, 'demo-shop');
  // a home folder of its own: what the dashboard reports about it must not depend on earlier runs
  const home = path.join(scratch, 'home');
  fs.mkdirSync(home);
  fs.cpSync(demoWorkspace, workspace, { recursive: true });
  // VS Code's own suggest widget (TypeScript's member list after "this.") would take Tab
  // from Ondi's ghost text; a person who wants both gets them, the tests look at Ondi alone.
  prepareUserDataDir(userDataDir, {
    'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
    'editor.suggestOnTriggerCharacters': false,
  });
  installExtension(bin, vsix, { userDataDir, extensionsDir });
  const installedDir = fs
    .readdirSync(extensionsDir)
    .map((name) => path.join(extensionsDir, name))
    .find((dir) => path.basename(dir).startsWith('ondi.ondi-'));

  const server = await startCodeServer({
    bin,
    port: await freePort(),
    userDataDir,
    extensionsDir,
    folder: workspace,
    env: { HOME: home },
    logFile: path.join(outDir, 'code-server.log'),
  });
  try {
    const resultsFile = path.join(outDir, 'results.json');
    const mocha = spawnSync(
      process.execPath,
      [
        path.join(repoRoot, 'node_modules/mocha/bin/mocha.js'),
        '--require',
        'tsx/cjs',
        '--reporter',
        path.join(repoRoot, 'test/scripts/results-reporter.js'),
        '--timeout',
        '120000',
        // ONDI_E2E_FILES=<glob> and ONDI_E2E_GREP=<title part> run a subset while working on it
        process.env.ONDI_E2E_FILES || 'test/e2e/**/*.test.ts',
        ...(process.env.ONDI_E2E_GREP ? ['--grep', process.env.ONDI_E2E_GREP] : []),
      ],
      {
        cwd: repoRoot,
        stdio: 'inherit',
        env: {
          ...process.env,
          ONDI_RESULTS_FILE: resultsFile,
          ONDI_E2E_URL: `${server.url}/?folder=${encodeURIComponent(workspace)}`,
          ONDI_E2E_SCREENSHOTS: outDir,
          ONDI_E2E_EXTENSION_DIR: installedDir ?? '',
          ONDI_E2E_WORKSPACE: workspace,
          ONDI_E2E_USER_DATA: userDataDir,
        },
      },
    );
    if (!fs.existsSync(resultsFile)) {
      throw new Error(`the e2e tests wrote no results (mocha exit ${mocha.status})`);
    }
    const { passed, failed, skipped } = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    return { passed, failed, skipped };
  } finally {
    await server.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

module.exports = { runE2eTier };
