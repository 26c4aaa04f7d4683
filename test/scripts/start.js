#!/usr/bin/env node
'use strict';
// `npm start`: opens Ondi in a real VS Code on the demo workspace, from a fresh clone.
// - With a `code` command on PATH: installs the freshly packaged .vsix into it and opens the
//   demo workspace there, with src/welcome.ts (what to type) open.
// - Otherwise (or with ONDI_USE_CODE_SERVER=1): starts the pinned code-server on 127.0.0.1
//   with Ondi installed and prints the URL to open (it opens src/welcome.ts); Ctrl+C stops
//   it. PORT picks the port.
// Each step says what it does and how long it takes; the figures were measured on a 2-core
// machine that was busy with other work (docs/development.md).
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const {
  freePort,
  installCodeServer,
  installExtension,
  prepareUserDataDir,
  startCodeServer,
} = require('./lib/code-server');
const { dependenciesCurrent, ensureDependencies } = require('./lib/dependencies');
const { demoWorkspace, repoRoot } = require('./lib/paths');

/** The file the demo opens: its first lines say what to type. */
const welcomeFile = path.join(demoWorkspace, 'src/welcome.ts');
const codeServerInstalled = () => fs.existsSync(path.join(repoRoot, '.tools/code-server-4.100.3/.ondi-installed'));

function hasCodeCommand() {
  if (process.env.ONDI_USE_CODE_SERVER === '1') return false;
  return spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;
}

/** Runs one step between "[n/N] what (how long)…" and "done in T". */
async function step(counter, what, estimate, body) {
  const started = Date.now();
  process.stdout.write(`[${counter}] ${what}${estimate ? ` (${estimate})` : ''}…\n`);
  const result = await body();
  process.stdout.write(`      done in ${elapsed(Date.now() - started)}\n`);
  return result;
}

function elapsed(ms) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function openInVsCode(vsix) {
  execFileSync('code', ['--install-extension', vsix, '--force'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('code', [demoWorkspace, welcomeFile], { stdio: 'inherit' });
}

async function serveWithCodeServer(vsix, total) {
  const bin = await step(
    `3/${total}`,
    'installing code-server, VS Code in the browser',
    codeServerInstalled() ? 'already there' : 'about 3 to 4 minutes, once',
    () => installCodeServer(),
  );
  // A persistent profile, so settings and open editors survive restarts of `npm start`.
  const profile = path.join(repoRoot, '.tools/start-profile');
  const userDataDir = path.join(profile, 'user-data');
  const extensionsDir = path.join(profile, 'extensions');
  if (!fs.existsSync(path.join(userDataDir, 'User/settings.json'))) {
    prepareUserDataDir(userDataDir);
  }
  const port = process.env.PORT ? Number(process.env.PORT) : await freePort();
  const server = await step(`4/${total}`, 'installing Ondi into it and starting it', 'about 10 to 20 s', async () => {
    installExtension(bin, vsix, { userDataDir, extensionsDir, quiet: true });
    return startCodeServer({
      bin,
      port,
      userDataDir,
      extensionsDir,
      folder: demoWorkspace,
      logFile: path.join(profile, 'code-server.log'),
    });
  });
  // VS Code's web workbench opens the payload's `openFile` in the folder's window
  const payload = JSON.stringify([['openFile', `vscode-remote://127.0.0.1:${port}${welcomeFile}`]]);
  const url = `${server.url}/?folder=${encodeURIComponent(demoWorkspace)}&payload=${encodeURIComponent(payload)}`;
  process.stdout.write(
    `\nOndi is running in VS Code (code-server) on the demo workspace.\nOpen: ${url}\n` +
      'src/welcome.ts says what to try first. Press Ctrl+C to stop.\n',
  );
  const stop = () => {
    server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Keep running until stopped; the server runs in its own process group.
  setInterval(() => undefined, 1 << 30);
}

async function main() {
  const useCode = hasCodeCommand();
  const total = useCode ? 3 : 4;
  const started = Date.now();
  process.stdout.write(`npm start: Ondi in ${useCode ? 'VS Code' : 'VS Code in the browser (code-server)'}\n`);
  await step(
    `1/${total}`,
    'npm dependencies',
    dependenciesCurrent() ? 'up to date' : 'npm ci, about 2 to 3 minutes the first time',
    () => ensureDependencies({ say: () => undefined }),
  );
  const { packageVsix } = require('./package-vsix');
  const vsix = await step(`2/${total}`, 'building and packaging Ondi', 'about 1 to 2 minutes', () =>
    packageVsix('current'),
  );
  if (useCode) {
    await step(`3/${total}`, 'installing Ondi into VS Code and opening the demo workspace', 'about 10 s', () =>
      openInVsCode(vsix),
    );
    process.stdout.write(
      `\nOndi is installed in VS Code after ${elapsed(Date.now() - started)}; the demo workspace is open at src/welcome.ts, which says what to try first.\n`,
    );
  } else {
    await serveWithCodeServer(vsix, total);
  }
}

main().catch((error) => {
  process.stderr.write(`npm start failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
