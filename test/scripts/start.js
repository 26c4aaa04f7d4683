#!/usr/bin/env node
'use strict';
// `npm start`: opens Ondi in a real VS Code on the demo workspace, from a fresh clone.
// - With a `code` command on PATH: installs the freshly packaged .vsix into it and opens the
//   demo workspace there.
// - Otherwise (or with ONDI_USE_CODE_SERVER=1): starts the pinned code-server on 127.0.0.1
//   with Ondi installed and prints the URL to open; Ctrl+C stops it. PORT picks the port.
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
const { ensureDependencies } = require('./lib/dependencies');
const { demoWorkspace, repoRoot } = require('./lib/paths');

function hasCodeCommand() {
  if (process.env.ONDI_USE_CODE_SERVER === '1') return false;
  return spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;
}

function openInVsCode(vsix) {
  execFileSync('code', ['--install-extension', vsix, '--force'], { stdio: 'inherit' });
  execFileSync('code', [demoWorkspace], { stdio: 'inherit' });
  process.stdout.write(`Ondi is installed in VS Code; the demo workspace ${demoWorkspace} is open.\n`);
}

async function serveWithCodeServer(vsix) {
  const bin = installCodeServer();
  // A persistent profile, so settings and open editors survive restarts of `npm start`.
  const profile = path.join(repoRoot, '.tools/start-profile');
  const userDataDir = path.join(profile, 'user-data');
  const extensionsDir = path.join(profile, 'extensions');
  if (!fs.existsSync(path.join(userDataDir, 'User/settings.json'))) {
    prepareUserDataDir(userDataDir);
  }
  installExtension(bin, vsix, { userDataDir, extensionsDir });
  const port = process.env.PORT ? Number(process.env.PORT) : await freePort();
  const server = await startCodeServer({
    bin,
    port,
    userDataDir,
    extensionsDir,
    folder: demoWorkspace,
    logFile: path.join(profile, 'code-server.log'),
  });
  process.stdout.write(
    `\nOndi is running in VS Code (code-server) on the demo workspace.\nOpen: ${server.url}/?folder=${encodeURIComponent(demoWorkspace)}\nPress Ctrl+C to stop.\n`,
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
  ensureDependencies();
  const { packageVsix } = require('./package-vsix');
  const vsix = packageVsix('current');
  if (hasCodeCommand()) {
    openInVsCode(vsix);
  } else {
    await serveWithCodeServer(vsix);
  }
}

main().catch((error) => {
  process.stderr.write(`npm start failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
