import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const installed = process.env.ONDI_E2E_EXTENSION_DIR;

/** What `code-server --install-extension ondi-*.vsix` put on disk, checked as a user would get it. */
describe('the installed .vsix', function () {
  before(function () {
    if (!installed || !existsSync(installed)) {
      throw new Error('ONDI_E2E_EXTENSION_DIR does not name the installed extension folder');
    }
  });

  const at = (...parts: string[]) => path.join(installed ?? '', ...parts);

  it('contains the bundles, the manifest, the license, the icon, the dashboard and the model report', function () {
    for (const file of [
      'package.json',
      'dist/extension.js',
      'dist/adaptWorker.js',
      'dist/cli.js',
      'media/icon.png',
      'dist/webview/dashboard.js',
      'media/dashboard.css',
      'models/report.json',
    ]) {
      assert.ok(existsSync(at(file)), file);
    }
    assert.ok(existsSync(at('dist/engineWorker.js')), 'the completion worker');
    assert.ok(
      readdirSync(at()).some((name) => /^license/i.test(name)),
      'a license file',
    );
  });

  it('leaves out sources, tests, build configuration and the model recipe', function () {
    for (const file of ['src', 'test', 'out', 'tsconfig.json', 'esbuild.config.mjs', 'eslint.config.mjs', '.ci']) {
      assert.ok(!existsSync(at(file)), `${file} should not be packaged`);
    }
    if (existsSync(at('models'))) {
      const recipe = readdirSync(at('models'), { recursive: true, encoding: 'utf8' }).filter(
        (name) => /\.(py|sh|pt|pth|ckpt)$/.test(name) || /^(\.venv|data|corpus|reference|tests)(\/|$)/.test(name),
      );
      assert.deepEqual(recipe, []);
    }
  });

  it('carries onnxruntime-node for this platform only, and it loads in Node', function () {
    const binaries = at('node_modules/onnxruntime-node/bin/napi-v6');
    assert.deepEqual(readdirSync(binaries), [process.platform]);
    assert.deepEqual(readdirSync(path.join(binaries, process.platform)), [process.arch]);
    const load = spawnSync(process.execPath, ['-e', "require('onnxruntime-node'); process.stdout.write('ok')"], {
      cwd: at(),
      encoding: 'utf8',
    });
    assert.equal(load.stdout, 'ok', load.stderr);
  });

  it('carries @xenova/transformers without its browser bundles', function () {
    assert.ok(existsSync(at('node_modules/@xenova/transformers/package.json')));
    assert.ok(!existsSync(at('node_modules/@xenova/transformers/dist')));
  });

  it('runs the packaged ondi command line', function () {
    const help = spawnSync(process.execPath, [at('dist/cli.js'), '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    for (const command of ['complete', 'adapt', 'eval', 'bench', 'report']) {
      assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
    }
  });
});
