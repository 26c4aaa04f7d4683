import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      'models/**',
      '.tools/**',
      '.vscode-test/**',
      'test-results/**',
      'test/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The extension talks to people through the log channel and the UI, the CLI through
    // process.stdout/stderr: a stray console call is a bug.
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Core stays plain TypeScript so it runs under mocha and in the CLI without an editor; it
    // is what the entries (extension, workers, CLI) are built from, never the other way round.
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', coreRestrictions()] },
  },
  {
    // The bottom layers: building blocks, durability, privacy and the model know nothing of
    // completion, learning or next steps, so each can be tested and reused alone.
    files: ['src/core/{base,store,privacy,model}/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        coreRestrictions({
          regex: '^\\.\\./(?!(base|store)/)',
          message: 'src/core/base, store, privacy and model import only from src/core/base and src/core/store.',
        }),
      ],
    },
  },
  {
    // The dashboard page runs in the webview: a browser, with no Node and no editor API.
    files: ['src/webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'the webview talks to the extension through messages only.' }],
          patterns: [
            { group: ['node:*'], message: 'the webview runs in a browser.' },
            {
              regex: '^\\.\\./core/dashboard/dashboardData$',
              allowTypeImports: true,
              message: 'the webview may import only types from the dashboard data.',
            },
            {
              regex: '^\\.\\./(?!core/dashboard/dashboardData$)',
              message: 'the webview may import only types from src/core/dashboard/dashboardData.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

/** What no file under src/core may import (plus `extra`): the editor, the adapters, the entries. */
function coreRestrictions(extra) {
  return {
    paths: [{ name: 'vscode', message: 'src/core must not depend on VS Code; put editor code in src/vscode.' }],
    patterns: [
      {
        regex: '^(\\.\\./)+(vscode|cli|worker)(/|$)',
        message: 'src/core must not import src/vscode, src/cli or src/worker: they build on core.',
      },
      ...(extra ? [extra] : []),
    ],
  };
}
