// Assembles src/core/base/vectorKernels.wat into src/core/base/vectorKernelsWasm.ts (the module's
// bytes, base64), so that the bundles and the unit tests load the same bytes without a build
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
  const base64 = bytes.toString('base64');
  const lines = base64.match(/.{1,96}/g).map((l) => `  '${l}'`);
  return [
    '// Generated from vectorKernels.wat by test/scripts/build-kernels.js (npm run build:kernels): do not edit.',
    'export const VECTOR_KERNELS_WASM =',
    `${lines.join(' +\n')};`,
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
