import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

/**
 * `npm run test:electron`: the host tests in a downloaded VS Code desktop (needs a network
 * connection to fetch VS Code). Offline machines run the same tests in code-server through
 * `npm test` instead.
 */
async function main(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '../../..');
  process.env.ONDI_RESULTS_FILE ??= path.join(repoRoot, 'test-results/electron/results.json');
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out/test/host/index.js'),
    launchArgs: [
      path.join(repoRoot, 'test/fixtures/demo-workspace'),
      '--disable-extensions',
      '--disable-workspace-trust',
    ],
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
