import type { NDArray } from '../../ir/ndarray.js';
import type { Apply } from '../../ir/variable.js';
import { Gemm } from '../../ops/gemm.js';
import { Gemv } from '../../ops/gemv.js';
import { config } from '../../util/config.js';
import { defaultWasmGemm } from '../wasm/default-gemm.js';
import type { WasmGemm } from '../wasm/gemm.js';
import type { WasmHeap } from '../wasm/heap.js';
import type { PerformContext } from '../../ir/op.js';
import { Conv2d } from '../../ops/conv2d.js';
import { Conv2dGradInputs } from '../../ops/conv2d-grad-input.js';
import { Conv2dGradFilters } from '../../ops/conv2d-grad-filters.js';
import { wasmConvKernels } from './wasm-conv.js';
import { wasmElementwisePerform } from './wasm-elementwise.js';
import { wasmPoolPerform } from './wasm-pool.js';
import { wasmFusedSumPerform } from './wasm-fused-sum.js';

/** A node's kernel; generated ones carry the source they run (for f.kernels()). */
export type Perform = ((inputs: readonly NDArray[], outputs: NDArray[], node: Apply) => void) & { source?: string };

/** Z broadcast into out (a bias row, a column, a scalar), so that the GEMM can accumulate on top of it. */
function expandInto(z: NDArray, out: NDArray): void {
  if (z.data === out.data) return;
  const [rows, cols] = out.shape as [number, number];
  if (z.size === out.size) return out.data.set(z.data);
  const [zr, zc] = [z.shape[0] === 1 ? 0 : cols, z.shape[1] === 1 ? 0 : 1];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out.data[i * cols + j] = z.data[i * zr + j * zc]!;
}

/**
 * The WebAssembly SIMD kernel for a node, where there is one and it applies: float32 gemm (matrix products) and the
 * convolutions' inner GEMM, on engines with wasm SIMD, unless `config.wasm` is 'off'. Sums are float32 (as BLAS),
 * not float64 as the JS kernels': results agree with the graph as written to float32 rounding, not bit for bit.
 */
export function wasmPerformFor(node: Apply): Perform | undefined {
  const op = node.op;
  if (config.wasm === 'off' || node.outputs[0]!.dtype !== 'float32') return undefined;
  const wasm = defaultWasmGemm();
  if (!wasm) return undefined;
  const elementwise = wasmElementwisePerform(node, wasm) ?? wasmFusedSumPerform(node, wasm) ?? wasmPoolPerform(node, wasm);
  if (elementwise) return elementwise;
  if (CONVOLUTIONS.some((C) => op instanceof C)) {
    const ctx = convContext(wasm);
    return (inputs, outputs, n) => op.perform(inputs, outputs, n, ctx);
  }
  if (!(op instanceof Gemm) || op instanceof Gemv) return undefined;
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
    wasm.gemm(m, cols, k, a!.data as Float32Array, b!.data as Float32Array, out.data as Float32Array, {
      transA,
      transB,
      alpha: alpha!.item(),
      beta: betaValue,
    });
  };
}

const CONVOLUTIONS = [Conv2d, Conv2dGradInputs, Conv2dGradFilters];

const convContexts = new WeakMap<WasmGemm, PerformContext>();
let work = new Float32Array(1024);

/**
 * The convolutions in wasm: whole kernels (wasm-conv.ts) where they apply; otherwise the reference code's im2col
 * + GEMM with a float32 work area (its packing and unpacking run unchanged over it) and C += A·Bᵀ in wasm.
 */
function convContext(wasm: WasmGemm): PerformContext {
  let ctx = convContexts.get(wasm);
  if (ctx) return ctx;
  ctx = {
    conv: wasmConvKernels(wasm),
    scratch: (n) => {
      if (work.length < n) work = new Float32Array(Math.max(n, work.length * 2));
      return work.subarray(0, n) as unknown as Float64Array;
    },
    gemmNT: (M, N, K, A, aOff, B, bOff, C, cOff) => {
      const f32 = (x: Float64Array, off: number, len: number) => (x as unknown as Float32Array).subarray(off, off + len);
      wasm.gemm(M, N, K, f32(A, aOff, M * K), f32(B, bOff, N * K), f32(C, cOff, M * N), { transB: true, beta: 1 });
    },
  };
  convContexts.set(wasm, ctx);
  return ctx;
}

/** The heap of the wasm kernels that run now, when they have one (Node, shared memory) and wasm is on. */
export function wasmHeap(): WasmHeap | undefined {
  return config.wasm === 'off' ? undefined : (defaultWasmGemm()?.heap ?? undefined);
}

/** What f.kernels() shows for a wasm kernel: the WAT of the module that runs it. */
export function wasmKernelSource(): string {
  return defaultWasmGemm()?.wat() ?? '';
}
