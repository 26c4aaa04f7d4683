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
    // Core stays plain TypeScript so it runs under mocha and in the CLI without an editor.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core must not depend on VS Code; put editor code in src/vscode.' }],
          patterns: [
            { group: ['**/vscode/*', '**/vscode'], message: 'src/core must not import the VS Code adapters.' },
          ],
        },
      ],
    },
  },
  {
    // The dashboard page runs in the webview: a browser, with no Node and no editor API.
    files: ['src/webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'the webview talks to the extension through messages only.' }],
          patterns: [{ group: ['node:*', '**/vscode/*'], message: 'the webview runs in a browser.' }],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
