import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../src/core/config';
import { createPathExcluder, globToRegExp } from '../../src/core/privacy/globs';

describe('privacy globs', () => {
  const excludedByDefault = createPathExcluder(DEFAULT_CONFIG.disabledGlobs);

  it('excludes secrets and dependencies by default', () => {
    for (const path of [
      '/home/me/app/.env',
      '/home/me/app/.env.local',
      '/home/me/app/certs/server.pem',
      '/home/me/app/id.key',
      '/home/me/app/node_modules/lodash/index.js',
      'C:\\work\\app\\.env',
    ]) {
      assert.equal(excludedByDefault(path), true, path);
    }
  });

  it('leaves ordinary source files alone', () => {
    for (const path of ['/home/me/app/src/index.ts', '/home/me/app/.envrc.md.ts', '/home/me/app/keyboard.ts']) {
      assert.equal(excludedByDefault(path), false, path);
    }
  });

  it('keeps * and ? inside one folder while ** crosses folders', () => {
    assert.equal(globToRegExp('src/*.ts').test('src/a.ts'), true);
    assert.equal(globToRegExp('src/*.ts').test('src/deep/a.ts'), false);
    assert.equal(globToRegExp('src/**/*.ts').test('src/deep/er/a.ts'), true);
    assert.equal(globToRegExp('src/**/*.ts').test('src/a.ts'), true);
    assert.equal(globToRegExp('a?.js').test('ab.js'), true);
    assert.equal(globToRegExp('a?.js').test('a/.js'), false);
  });

  it('supports alternatives and character classes', () => {
    const secrets = globToRegExp('**/*.{pem,key}');
    assert.equal(secrets.test('x/y.pem'), true);
    assert.equal(secrets.test('x/y.key'), true);
    assert.equal(secrets.test('x/y.pub'), false);
    assert.equal(globToRegExp('file[0-9].ts').test('file7.ts'), true);
    assert.equal(globToRegExp('file[!0-9].ts').test('file7.ts'), false);
    assert.equal(globToRegExp('file[!0-9].ts').test('filex.ts'), true);
  });

  it('treats regular expression characters literally', () => {
    assert.equal(globToRegExp('a+b(1).ts').test('a+b(1).ts'), true);
    assert.equal(globToRegExp('a.ts').test('abts'), false);
  });
});
