import type { NDArray } from '../../ir/ndarray.js';
import type { Apply } from '../../ir/variable.js';
import { Gemm } from '../../ops/gemm.js';
import { Gemv } from '../../ops/gemv.js';
import { config } from '../../util/config.js';
import { defaultWasmGemm } from '../wasm/default-gemm.js';
import { GEMM_WAT } from '../wasm/gemm-binary.generated.js';

export type Perform = (inputs: readonly NDArray[], outputs: NDArray[], node: Apply) => void;

/** Z broadcast into out (a bias row, a column, a scalar), so that the GEMM can accumulate on top of it. */
function expandInto(z: NDArray, out: NDArray): void {
  if (z.data === out.data) return;
  const [rows, cols] = out.shape as [number, number];
  if (z.size === out.size) return out.data.set(z.data);
  const [zr, zc] = [z.shape[0] === 1 ? 0 : cols, z.shape[1] === 1 ? 0 : 1];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out.data[i * cols + j] = z.data[i * zr + j * zc]!;
}

/**
 * The WebAssembly SIMD kernel for a node, where there is one and it applies: float32 gemm (matrix products), on
 * engines with wasm SIMD, unless `config.wasm` is 'off'. Sums are float32 (as BLAS), not float64 as the JS kernel's:
 * results agree with the graph as written to float32 rounding, not bit for bit.
 */
export function wasmPerformFor(node: Apply): Perform | undefined {
  const op = node.op;
  if (config.wasm === 'off' || !(op instanceof Gemm) || op instanceof Gemv || node.outputs[0]!.dtype !== 'float32') return undefined;
  const wasm = defaultWasmGemm();
  if (!wasm) return undefined;
  const { transA, transB, accumulate } = op.params;
  return (inputs, outputs) => {
    const [z, beta, alpha, a, b] = accumulate ? inputs : [undefined, undefined, ...inputs];
    const out = outputs[0]!;
    const [m, k] = transA ? [a!.shape[1]!, a!.shape[0]!] : [a!.shape[0]!, a!.shape[1]!];
    const cols = transB ? b!.shape[0]! : b!.shape[1]!;
    // A product smaller than Z (one row broadcast over Z's rows): the JS kernel handles that rare case.
    if (out.shape[0] !== m || out.shape[1] !== cols) return op.perform(inputs, outputs);
    if (z) expandInto(z, out);
    const betaValue = z ? beta!.item() : 0;
    wasm.gemm(m, cols, k, a!.data as Float32Array, b!.data as Float32Array, out.data as Float32Array, { transA, transB, alpha: alpha!.item(), beta: betaValue });
  };
}

/** What f.kernels() shows for a wasm kernel: the module's WAT. */
export const WASM_GEMM_SOURCE = GEMM_WAT;
