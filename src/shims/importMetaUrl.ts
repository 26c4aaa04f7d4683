import { pathToFileURL } from 'node:url';

/**
 * esbuild turns `import.meta.url` into this value when it bundles ESM packages (such as
 * @xenova/transformers, whose env.js reads it) into the CommonJS output; without it the bundle
 * would throw at load time in fileURLToPath.
 */
export const import_meta_url = pathToFileURL(__filename).href;
