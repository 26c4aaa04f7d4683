'use strict';
// Folders shared by the test scripts.
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '../../..');

module.exports = {
  repoRoot,
  resultsDir: path.join(repoRoot, 'test-results'),
  demoWorkspace: path.join(repoRoot, 'test/fixtures/demo-workspace'),
  installScript: path.join(repoRoot, 'test/scripts/install-code-server.sh'),
};
