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

function ensureDependencies() {
  const wanted = lockHash();
  if (fs.existsSync(MARKER) && fs.readFileSync(MARKER, 'utf8').trim() === wanted) {
    return;
  }
  process.stderr.write('[deps] installing npm dependencies (npm ci)\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: repoRoot,
    stdio: ['ignore', 2, 2],
    // onnxruntime-node's install script would download CUDA libraries: skip it (its CPU
    // binaries ship in the npm package). Also set in .npmrc; the variable is the sturdier form.
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  fs.writeFileSync(MARKER, wanted);
}

module.exports = { ensureDependencies };
