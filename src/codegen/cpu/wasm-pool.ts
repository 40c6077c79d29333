import type { Apply } from '../../ir/variable.js';
import { Pool2d } from '../../ops/pool2d.js';
import { Pool2dGrad } from '../../ops/pool2d-grad.js';
import type { PoolParams } from '../../ops/pool-geometry.js';
import { compileEagerly, wasmApi } from '../wasm/detect.js';
import type { WasmGemm } from '../wasm/gemm.js';
import type { Perform } from './wasm-kernels.js';
import { poolMaxGradModule, poolMaxModule } from '../wasm/pool.js';

type Kernel = (...args: number[]) => void;

/** Calls that ran as wasm kernels, and those that fell back to JS. */
export const poolStats = { wasm: 0, js: 0 };

const isPairs = (p: PoolParams) => p.mode === 'max' && [p.ws, p.stride].every(([a, b]) => a === 2 && b === 2) && p.pad[0] === 0 && p.pad[1] === 0;

/**
 * 2×2 max pooling (whole non-overlapping windows) and its gradient as wasm SIMD kernels over float32 arrays in
 * the heap; anything else (other windows, arrays outside the heap) runs the op's JS kernel. Same results as the
 * JS kernels (NaN payloads aside).
 */
export function wasmPoolPerform(node: Apply, wasm: WasmGemm): Perform | undefined {
  const op = node.op;
  const heap = wasm.heap;
  if (!heap || !wasmApi || !(op instanceof Pool2d || op instanceof Pool2dGrad) || !isPairs(op.p)) return undefined;
  if (node.inputs.some((v) => v.dtype !== 'float32') || node.outputs[0]!.dtype !== 'float32') return undefined;
  const grad = op instanceof Pool2dGrad;
  const built = grad ? poolMaxGradModule() : poolMaxModule();
  let kernel: Kernel | undefined;
  const perform: Perform = (inputs, outputs, n) => {
    const x = inputs[0]!;
    const [h, w] = x.shape.slice(-2) as [number, number];
    const [oh, ow] = [h >> 1, w >> 1];
    const addresses = [...inputs, outputs[0]!].map((a) => heap.addressOf(a.data));
    if (addresses.some((a) => a === undefined) || oh === 0 || ow === 0 || x.size === 0 || (!grad && outputs[0]!.size !== (x.size / (h * w)) * oh * ow)) {
      poolStats.js++;
      return n.op.perform(inputs, outputs, n);
    }
    poolStats.wasm++;
    kernel ??= (new wasmApi!.Instance(compileEagerly(built.bytes), { env: { memory: wasm.memory } }).exports as { k: Kernel }).k;
    const planes = x.size / (h * w);
    const groups = Math.ceil(ow / 4);
    const [xRow, outRow] = [4 * w, 4 * ow];
    // Even heights: the planes' rows follow each other; odd: one call per plane (its last row is in no window).
    const [calls, rows] = h % 2 === 0 ? [1, planes * oh] : [planes, oh];
    for (let c = 0; c < calls; c++) {
      const [xAt, oAt] = [4 * c * h * w, 4 * c * oh * ow];
      if (grad) {
        const [X, Z, GZ, GX] = addresses as number[];
        kernel(X! + xAt, Z! + oAt, GZ! + oAt, GX! + xAt, rows, groups, xRow, outRow);
      } else kernel(addresses[0]! + xAt, addresses[1]! + oAt, rows, groups, xRow, outRow);
    }
    if (!grad || (h % 2 === 0 && w % 2 === 0)) return;
    // The gradient is 0 on an odd last row or column, outside every window.
    const GX = outputs[0]!.data;
    for (let p = 0; p < planes; p++) {
      const base = p * h * w;
      if (w % 2) for (let r = 0; r < h; r++) GX[base + r * w + w - 1] = 0;
      if (h % 2) GX.fill(0, base + (h - 1) * w, base + h * w);
    }
  };
  perform.source = `;; wasm SIMD 2×2 max pooling${grad ? ' gradient' : ''} (other windows, or arrays outside the wasm heap: the JS kernel)\n${built.text}`;
  return perform;
}
