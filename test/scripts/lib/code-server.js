'use strict';
// Installs (through install-code-server.sh), starts and stops the pinned code-server that
// the host and end-to-end tiers and `npm start` use. Loopback only, no auth, no telemetry.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { installScript } = require('./paths');

/** Runs the idempotent install script and returns the code-server executable. */
function installCodeServer() {
  const output = execFileSync('bash', [installScript], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const bin = output.trim().split('\n').pop();
  if (!bin || !fs.existsSync(bin)) {
    throw new Error(`install-code-server.sh did not report an executable (got ${JSON.stringify(bin)})`);
  }
  return bin;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A user data folder with the settings that keep the workbench quiet and predictable. */
function prepareUserDataDir(dir, extraSettings = {}) {
  fs.mkdirSync(path.join(dir, 'User'), { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'git.openRepositoryInParentFolders': 'never',
    ...extraSettings,
  };
  fs.writeFileSync(path.join(dir, 'User/settings.json'), JSON.stringify(settings, null, 2));
}

/** `quiet`: no "Installing extensions…" lines (errors still show). */
function installExtension(bin, vsix, { userDataDir, extensionsDir, quiet = false }) {
  execFileSync(
    bin,
    ['--install-extension', vsix, '--force', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir],
    { stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] },
  );
}

function httpOk(url) {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode !== undefined && response.statusCode < 500);
    });
    request.on('error', () => resolve(false));
    request.setTimeout(2000, () => {
      request.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts code-server on 127.0.0.1:port and resolves once it answers HTTP. `stop()` ends the
 * process group this function started (and nothing else).
 */
async function startCodeServer({ bin, port, userDataDir, extensionsDir, folder, env = {}, logFile }) {
  const args = [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    folder,
  ];
  const log = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(bin, args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...env },
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  let ready = false;
  while (!ready && Date.now() < deadline && child.exitCode === null) {
    ready = await httpOk(`${url}/healthz`);
    if (!ready) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  if (!ready) {
    await stop();
    throw new Error(`code-server did not answer on ${url} within two minutes${logFile ? ` (log: ${logFile})` : ''}`);
  }
  return { url, port, pid: child.pid, stop };
}

module.exports = { installCodeServer, freePort, prepareUserDataDir, installExtension, startCodeServer };
