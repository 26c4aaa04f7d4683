// Builds the extension and the CLI into dist/, the dashboard's page script (with Chart.js)
// into dist/webview/ (and, with --tests, the test modules that run inside a VS Code extension
// host into out/test/). Flags: --production (minified, no source maps), --tests, --watch.
import * as esbuild from 'esbuild';
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const withTests = args.has('--tests');
const watch = args.has('--watch');
const root = path.dirname(new URL(import.meta.url).pathname);
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Shared by every bundle: CommonJS for Node 20, with the native and editor modules left external. */
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // vscode is provided by the editor; onnxruntime-node and sharp load native binaries from
  // their own package folders, so they must stay real node_modules at run time.
  external: ['vscode', 'onnxruntime-node', 'sharp'],
  // ESM packages bundled into CommonJS read import.meta.url (see src/shims/importMetaUrl.ts).
  define: { 'import.meta.url': 'import_meta_url', ONDI_VERSION: JSON.stringify(version) },
  inject: [path.join(root, 'src/shims/importMetaUrl.ts')],
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  // The learning worker runs in its own thread (worker_threads) with its own model instance.
  { ...common, entryPoints: ['src/worker/adaptWorker.ts'], outfile: 'dist/adaptWorker.js' },
  // The dashboard page runs in the webview (a browser), with Chart.js bundled in: it loads
  // nothing from anywhere but the extension's own folder.
  {
    absWorkingDir: root,
    entryPoints: ['src/webview/dashboard.ts'],
    outfile: 'dist/webview/dashboard.js',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  },
  // The completion engine runs in a worker thread of the extension host: its model steps,
  // synchronous in onnxruntime-node, never block the host's event loop.
  { ...common, entryPoints: ['src/worker/engineWorker.ts'], outfile: 'dist/engineWorker.js' },
];

if (withTests) {
  const testEntries = (folder) =>
    readdirSync(path.join(root, folder))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => path.join(folder, name));
  builds.push({
    ...common,
    sourcemap: true,
    minify: false,
    entryPoints: [...testEntries('test/host'), ...testEntries('test/electron')],
    outdir: 'out/test',
    outbase: 'test',
    // mocha is loaded from node_modules so its reporters and runner behave as on the CLI.
    external: [...common.external, 'mocha', '@vscode/test-electron'],
  });
}

const makeExecutable = () => chmodSync(path.join(root, 'dist/cli.js'), 0o755);

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  process.stderr.write('esbuild: watching for changes\n');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  makeExecutable();
}
