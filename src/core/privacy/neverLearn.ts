/** Files never learned from nor offered as context, whatever the settings say. */
export const NEVER_LEARN: readonly string[] = [
  '**/.env*',
  '**/*.pem',
  '**/*.key',
  '**/id_*',
  '**/secrets*',
  '**/node_modules/**',
];
