import type { NDArray } from '../../ir/ndarray.js';
import type { Apply } from '../../ir/variable.js';
import { Elemwise } from '../../ops/elemwise/elemwise.js';
import { FusedElementwise } from '../../ops/elemwise/fused.js';
import { compileEagerly, wasmApi } from '../wasm/detect.js';
import { elementwiseModule, type ProgramStep } from '../wasm/elementwise.js';
import type { WasmGemm } from '../wasm/gemm.js';
import type { Perform } from './wasm-kernels.js';

/** How many elementwise calls ran as wasm kernels, and how many fell back to JS (operands outside the heap, broadcasts). */
export const elementwiseStats = { wasm: 0, js: 0 };
export type Kernel = (out: number, ...args: number[]) => void;

/** k(out, ...inputs, groups) without spreading for the usual arities (blocks make many short calls). */
export function callKernel(k: Kernel, out: number, at: readonly number[], groups: number): void {
  switch (at.length) {
    case 1:
      return k(out, at[0]!, groups);
    case 2:
      return k(out, at[0]!, at[1]!, groups);
    case 3:
      return k(out, at[0]!, at[1]!, at[2]!, groups);
    default:
      return k(out, ...at, groups);
  }
}

/** A generated module's kernel `k`, on the kernels' shared memory. */
export function instantiateKernel(wasm: WasmGemm, bytes: Uint8Array): Kernel {
  return (new wasmApi!.Instance(compileEagerly(bytes), { env: { memory: wasm.memory } }).exports as { k: Kernel }).k;
}

/** The node's elementwise program, when it is one over float32 values. */
export function programOf(node: Apply): { steps: ProgramStep[]; nInputs: number } | undefined {
  const op = node.op;
  if (node.outputs[0]!.dtype !== 'float32' || node.inputs.some((v) => v.dtype !== 'float32')) return undefined;
  if (op instanceof FusedElementwise) return { steps: op.steps.map((s) => ({ op: s.op.name, args: s.args, dtype: s.dtype })), nInputs: op.nInputs };
  if (op instanceof Elemwise) return { steps: [{ op: op.name, args: node.inputs.map((_, i) => i), dtype: 'float32' }], nInputs: node.inputs.length };
  return undefined;
}

/**
 * A float32 elementwise node (fused or single) as a wasm SIMD kernel over arrays in the heap: used when every
 * operand is in the heap and each input is either the output's shape or one value; otherwise the op's JS kernel
 * runs. Results equal the JS kernel's bit for bit (see elementwiseModule). One module per pattern of one-value
 * inputs, compiled on first use.
 */
export function wasmElementwisePerform(node: Apply, wasm: WasmGemm): Perform | undefined {
  const heap = wasm.heap;
  const program = programOf(node);
  if (!heap || !program || !wasmApi) return undefined;
  // Only programs the renderer takes (checked once, with no one-value inputs).
  const probe = elementwiseModule(program.steps, program.nInputs, 0, true);
  if (!probe) return undefined;
  const kernels = new Map<number, Kernel>();
  const kernelFor = (scalars: number): Kernel => {
    let k = kernels.get(scalars);
    if (!k) {
      k = instantiateKernel(wasm, elementwiseModule(program.steps, program.nInputs, scalars, true)!.bytes);
      kernels.set(scalars, k);
    }
    return k;
  };
  const addresses: number[] = new Array<number>(program.nInputs);
  const blockAddresses: number[] = new Array<number>(program.nInputs);

  /**
   * Inputs broadcast over trailing axes (a bias (1, C, 1, 1) against (B, C, H, W)): the output in blocks over
   * those axes, each input one value per block (or the block itself where it has the output's shape). Blocks of
   * a multiple of 4 floats only; false when the shapes are not of that form.
   */
  function runBlocks(inputs: readonly NDArray[], out: NDArray, outAt: number, scalars: number, broadcast: number): boolean {
    const rank = out.ndim;
    let split = 0;
    for (let j = 0; j < inputs.length; j++) {
      if (!(broadcast & (1 << j))) continue;
      const a = inputs[j]!;
      if (a.ndim !== rank) return false;
      let t = rank;
      while (t > 0 && a.shape[t - 1] === 1) t--;
      for (let ax = 0; ax < t; ax++) if (a.shape[ax] !== 1 && a.shape[ax] !== out.shape[ax]) return false;
      split = Math.max(split, t);
    }
    const block = out.shape.slice(split).reduce((x, y) => x * y, 1);
    if (block % 4 !== 0 || split === rank) return false;
    const outer = out.size / block;
    const k = kernelFor(scalars | broadcast);
    const at = blockAddresses;
    for (let j = 0; j < inputs.length; j++) at[j] = addresses[j]!;
    const strides = inputs.map((a) => a.shape.slice(0, split).map((d, ax) => (d === 1 ? 0 : a.strides[ax]!)));
    const idx = new Array<number>(split).fill(0);
    const offsets = new Array<number>(inputs.length).fill(0);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inputs.length; j++) {
        if (broadcast & (1 << j)) at[j] = addresses[j]! + 4 * offsets[j]!;
        else if (!(scalars & (1 << j))) at[j] = addresses[j]! + 4 * o * block;
      }
      callKernel(k, outAt + 4 * o * block, at, block >> 2);
      for (let ax = split - 1; ax >= 0; ax--) {
        idx[ax]!++;
        for (let j = 0; j < inputs.length; j++) offsets[j]! += strides[j]![ax]!;
        if (idx[ax]! < out.shape[ax]!) break;
        for (let j = 0; j < inputs.length; j++) offsets[j]! -= strides[j]![ax]! * idx[ax]!;
        idx[ax] = 0;
      }
    }
    return true;
  }
  const perform: Perform = (inputs, outputs, n) => {
    const out = outputs[0]!;
    const size = out.size;
    const outAt = heap.addressOf(out.data);
    let scalars = 0;
    let broadcast = 0;
    let ok = outAt !== undefined && size > 0;
    for (let j = 0; ok && j < inputs.length; j++) {
      const a = inputs[j]!;
      const at = heap.addressOf(a.data);
      if (at === undefined) ok = false;
      else if (a.size === 1 && size !== 1) scalars |= 1 << j;
      else if (a.size !== size || a.ndim !== out.ndim || !a.shape.every((d, ax) => d === out.shape[ax])) broadcast |= 1 << j;
      addresses[j] = at ?? 0;
    }
    if (ok && broadcast) ok = runBlocks(inputs, out, outAt!, scalars, broadcast);
    if (!ok) {
      elementwiseStats.js++;
      return n.op.perform(inputs, outputs, n);
    }
    if (broadcast) return void elementwiseStats.wasm++;
    elementwiseStats.wasm++;
    const k = kernelFor(scalars);
    const groups = size >> 2;
    if (groups > 0) callKernel(k, outAt!, addresses, groups);
    const rest = size & 3;
    if (rest === 0) return;
    // The last 1–3 elements through a 4-float staging area each, so that nothing past the arrays is written.
    const base = wasm.workspaceStart();
    const mem = wasm.reserve(base + 4 * (inputs.length + 1));
    inputs.forEach((a, j) => {
      if (scalars & (1 << j)) return;
      mem.set(a.data.subarray(size - rest, size), base + 4 * (j + 1));
      addresses[j] = 4 * (base + 4 * (j + 1));
    });
    k(4 * base, ...addresses, 1);
    out.data.set(mem.subarray(base, base + rest), size - rest);
  };
  perform.source = `;; wasm SIMD, 4 floats per step (where operands are not all in the wasm heap, the JS kernel runs; inputs broadcast over trailing axes go by blocks)\n${probe.text}`;
  return perform;
}
