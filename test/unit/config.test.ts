import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_SECTION, DEFAULT_CONFIG, LIMITS, parseConfig, type OndiConfig } from '../../src/core/config';

interface ContributedSetting {
  default: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
}

const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, ContributedSetting> } };
};
const contributed = manifest.contributes.configuration.properties;

const from = (values: Partial<Record<keyof OndiConfig, unknown>>) => (key: keyof OndiConfig) => values[key];

describe('config', () => {
  it('has exactly the settings package.json contributes, with the same defaults', () => {
    const keys = Object.keys(contributed).map((key) => key.replace(`${CONFIG_SECTION}.`, ''));
    assert.deepEqual(keys.sort(), Object.keys(DEFAULT_CONFIG).sort());
    for (const [key, value] of Object.entries(DEFAULT_CONFIG)) {
      assert.deepEqual(contributed[`${CONFIG_SECTION}.${key}`]?.default, value, `default of ondi.${key}`);
    }
  });

  it('describes every contributed setting and shares its numeric limits', () => {
    for (const [key, setting] of Object.entries(contributed)) {
      assert.ok(setting.description && setting.description.length > 10, `${key} needs a description`);
    }
    for (const [key, limits] of Object.entries(LIMITS)) {
      assert.equal(contributed[`ondi.${key}`]?.minimum, limits.min);
      assert.equal(contributed[`ondi.${key}`]?.maximum, limits.max);
    }
  });

  it('uses the defaults when nothing is set', () => {
    const { config, problems } = parseConfig(() => undefined);
    assert.deepEqual(config, DEFAULT_CONFIG);
    assert.deepEqual(problems, []);
  });

  it('takes valid values as given', () => {
    const { config, problems } = parseConfig(
      from({
        enable: false,
        languages: ['go'],
        disabledGlobs: [],
        maxTokens: 12,
        debounceMs: 0,
        logLevel: 'debug',
        'learning.enabled': false,
        'learning.rank': 8,
        'learning.cpuShare': 0.25,
        'learning.idleSeconds': 120,
        'nextEdit.enabled': false,
      }),
    );
    assert.deepEqual(config, {
      enable: false,
      languages: ['go'],
      disabledGlobs: [],
      maxTokens: 12,
      debounceMs: 0,
      logLevel: 'debug',
      'learning.enabled': false,
      'learning.rank': 8,
      'learning.cpuShare': 0.25,
      'learning.idleSeconds': 120,
      'nextEdit.enabled': false,
    });
    assert.deepEqual(problems, []);
  });

  it('falls back to defaults for values of the wrong type and reports each one', () => {
    const { config, problems } = parseConfig(
      from({ enable: 'yes', languages: 'python', maxTokens: 'many', debounceMs: Number.NaN, logLevel: 'loud' }),
    );
    assert.equal(config.enable, DEFAULT_CONFIG.enable);
    assert.deepEqual(config.languages, DEFAULT_CONFIG.languages);
    assert.equal(config.maxTokens, DEFAULT_CONFIG.maxTokens);
    assert.equal(config.debounceMs, DEFAULT_CONFIG.debounceMs);
    assert.equal(config.logLevel, DEFAULT_CONFIG.logLevel);
    assert.deepEqual(problems.map((problem) => problem.key).sort(), [
      'debounceMs',
      'enable',
      'languages',
      'logLevel',
      'maxTokens',
    ]);
  });

  it('clamps numbers into their limits and rounds them to whole numbers', () => {
    const { config, problems } = parseConfig(from({ maxTokens: 100000, debounceMs: 12.6 }));
    assert.equal(config.maxTokens, LIMITS.maxTokens.max);
    assert.equal(config.debounceMs, 13);
    assert.equal(problems.length, 2);
  });

  it('keeps the learning settings in their limits: rank 8 to 16, a CPU share of 0.1 to 1, at least 5 idle seconds', () => {
    const { config, problems } = parseConfig(
      from({ 'learning.rank': 64, 'learning.cpuShare': 0, 'learning.idleSeconds': 1, 'learning.enabled': 'no' }),
    );
    assert.equal(config['learning.rank'], 16);
    assert.equal(config['learning.cpuShare'], 0.1);
    assert.equal(config['learning.idleSeconds'], 5);
    assert.equal(config['learning.enabled'], true);
    assert.deepEqual(problems.map((p) => p.key).sort(), [
      'learning.cpuShare',
      'learning.enabled',
      'learning.idleSeconds',
      'learning.rank',
    ]);
    // a fraction stays a fraction
    assert.equal(parseConfig(from({ 'learning.cpuShare': 0.35 })).config['learning.cpuShare'], 0.35);
  });

  it('keeps only non-empty strings in lists, trimmed and without duplicates', () => {
    const { config, problems } = parseConfig(from({ languages: [' python ', 'python', 3, '', 'rust'] }));
    assert.deepEqual(config.languages, ['python', 'rust']);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.key, 'languages');
  });
});
