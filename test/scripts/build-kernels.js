// Assembles src/core/base/vectorKernels.wat into src/core/base/vectorKernelsWasm.ts (the module's
// bytes as numbers: base64 would read as a secret to Ondi's own detector), so that the bundles and the unit tests load the same bytes without a build
// step of their own. `npm run build:kernels`; the unit tests fail when the two disagree.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const source = path.join(root, 'src/core/base/vectorKernels.wat');
const target = path.join(root, 'src/core/base/vectorKernelsWasm.ts');

/** The .wat's module bytes. */
async function assemble() {
  const wabt = await require('wabt')();
  const parsed = wabt.parseWat('vectorKernels.wat', fs.readFileSync(source, 'utf8'), { simd: true });
  try {
    parsed.resolveNames();
    parsed.validate();
    return Buffer.from(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

/** The TypeScript file that carries `bytes`. */
function moduleText(bytes) {
  const lines = [];
  for (let i = 0; i < bytes.length; i += 24) lines.push(`  ${[...bytes.subarray(i, i + 24)].join(', ')},`);
  return [
    '// Generated from vectorKernels.wat by test/scripts/build-kernels.js (npm run build:kernels): do not edit.',
    '// prettier-ignore',
    'export const VECTOR_KERNELS_WASM: readonly number[] = [',
    ...lines,
    '];',
    '',
  ].join('\n');
}

module.exports = { assemble, moduleText, target };

if (require.main === module) {
  assemble()
    .then((bytes) => {
      fs.writeFileSync(target, moduleText(bytes));
      console.log(`${path.relative(root, target)}: ${bytes.length} bytes of WebAssembly`);
    })
    .catch((error) => {
      console.error(error.message);
      process.exit(1);
    });
}
