/**
 * Writes src/codegen/wasm/gemm-binary.generated.ts: the default GEMM module's bytes (base64) and WAT text, built
 * with binaryen. The kernel takes its sizes at run time, so one module serves every shape and the library needs
 * no binaryen (14 MB) at run time. test/codegen/wasm/generated.test.ts checks the file is up to date.
 *   npx tsx scripts/gen-wasm-gemm.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedGemmSource } from '../src/codegen/wasm/gemm-generate.js';

const binaryen = (await import('binaryen')).default;
const target = fileURLToPath(new URL('../src/codegen/wasm/gemm-binary.generated.ts', import.meta.url));
writeFileSync(target, generatedGemmSource(binaryen));
console.log(`wrote ${target}`);
