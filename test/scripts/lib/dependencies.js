'use strict';
// Makes `npm test` and `npm start` work as the first command on a fresh clone: installs the
// npm dependencies from the lock file when node_modules is missing or was installed from a
// different lock file. Uses only Node built-ins, since nothing else is installed yet.
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { repoRoot } = require('./paths');

const MARKER = path.join(repoRoot, 'node_modules/.ondi-lock-hash');

function lockHash() {
  return crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(repoRoot, 'package-lock.json')))
    .digest('hex');
}

/** Whether node_modules was installed from the current lock file. */
function dependenciesCurrent() {
  return fs.existsSync(MARKER) && fs.readFileSync(MARKER, 'utf8').trim() === lockHash();
}

/**
 * Installs the npm dependencies unless they are current; true when it installed. `npm ci`
 * took 2 min 17 s to 3 min 20 s on a 2-core machine with a warm network (511 packages).
 */
function ensureDependencies({ say = (line) => process.stderr.write(`[deps] ${line}\n`) } = {}) {
  if (dependenciesCurrent()) {
    return false;
  }
  say('installing npm dependencies with npm ci (about 2 to 3 minutes the first time)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: repoRoot,
    stdio: ['ignore', 2, 2],
    // onnxruntime-node's install script would download CUDA libraries: skip it (its CPU
    // binaries ship in the npm package). The variable, not an .npmrc key: npm 11 warns about
    // keys it does not know. package.json's allowScripts also denies that script (npm 11).
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  fs.writeFileSync(MARKER, lockHash());
  return true;
}

module.exports = { ensureDependencies, dependenciesCurrent };
