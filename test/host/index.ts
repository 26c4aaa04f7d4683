import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * Called by the VS Code extension host (extensionTestsPath). Runs every *.test.js next to this
 * module with mocha and writes the counts to ONDI_RESULTS_FILE for test-all.js, since the
 * host's console output is not visible to the test runner.
 */
export async function run(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '../../..');
  const output = process.env.ONDI_RESULTS_FILE ?? path.join(repoRoot, 'test-results/host/results.json');
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 30_000,
    color: false,
    reporter: path.join(repoRoot, 'test/scripts/results-reporter.js'),
    reporterOptions: { output },
    // ONDI_HOST_GREP=<title part> runs only the matching host tests while working on them
    ...(process.env.ONDI_HOST_GREP ? { grep: process.env.ONDI_HOST_GREP } : {}),
  });
  for (const name of fs
    .readdirSync(__dirname)
    .filter((file) => file.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(__dirname, name));
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) {
    throw new Error(`${failures} host test(s) failed`);
  }
}
