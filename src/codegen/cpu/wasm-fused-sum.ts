import type { Apply } from '../../ir/variable.js';
import { FusedSum } from '../../ops/elemwise/fused-sum.js';
import { wasmApi } from '../wasm/detect.js';
import { elementwiseModule } from '../wasm/elementwise.js';
import type { WasmGemm } from '../wasm/gemm.js';
import type { Perform } from './wasm-kernels.js';
import { callKernel, elementwiseStats, instantiateKernel, type Kernel } from './wasm-elementwise.js';

/**
 * `sum(f(x, …))` over float32 arrays in the heap as a wasm SIMD kernel: f by lanes as the elementwise kernels,
 * the results added in float64 as the JS kernel does, but in four interleaved partial sums (lanes 0–3, added
 * at the end) rather than one after the other: the float64 total may differ in its last bits, so the float32
 * result rarely, by one rounding. Inputs of different shapes (broadcasts) run the JS kernel.
 */
export function wasmFusedSumPerform(node: Apply, wasm: WasmGemm): Perform | undefined {
  const op = node.op;
  const heap = wasm.heap;
  if (!heap || !wasmApi || !(op instanceof FusedSum) || node.outputs[0]!.dtype !== 'float32' || node.inputs.some((v) => v.dtype !== 'float32'))
    return undefined;
  const steps = op.steps.map((s) => ({ op: s.op.name, args: s.args, dtype: s.dtype }));
  const probe = elementwiseModule(steps, op.nInputs, 0, true, true);
  if (!probe) return undefined;
  const kernels = new Map<string, Kernel>();
  const kernelFor = (scalars: number, sum: boolean) => {
    const key = `${scalars}|${sum}`;
    let k = kernels.get(key);
    if (!k) kernels.set(key, (k = instantiateKernel(wasm, elementwiseModule(steps, op.nInputs, scalars, true, sum)!.bytes)));
    return k;
  };
  const addresses = new Array<number>(op.nInputs);
  const perform: Perform = (inputs, outputs, n) => {
    // The common shape of the inputs that are not one value.
    const full = inputs.find((a) => a.size !== 1) ?? inputs[0]!;
    const size = full.size;
    let scalars = 0;
    let ok = size > 0;
    for (let j = 0; ok && j < inputs.length; j++) {
      const a = inputs[j]!;
      const at = heap.addressOf(a.data);
      if (at === undefined) ok = false;
      else if (a.size === 1 && size !== 1) scalars |= 1 << j;
      else if (a.ndim !== full.ndim || !a.shape.every((d, ax) => d === full.shape[ax])) ok = false;
      addresses[j] = at ?? 0;
    }
    if (!ok) {
      elementwiseStats.js++;
      return n.op.perform(inputs, outputs, n);
    }
    elementwiseStats.wasm++;
    const base = wasm.workspaceStart();
    const mem = wasm.reserve(base + 8 + 4 * (inputs.length + 1));
    let total = 0;
    const groups = size >> 2;
    if (groups > 0) {
      callKernel(kernelFor(scalars, true), 4 * base, addresses, groups);
      const lanes = new Float64Array(mem.buffer, 4 * base, 4);
      total = lanes[0]! + lanes[1]! + (lanes[2]! + lanes[3]!);
    }
    const rest = size & 3;
    if (rest > 0) {
      // The last values through a staged group, added one by one.
      const stage = base + 8;
      inputs.forEach((a, j) => {
        if (scalars & (1 << j)) return;
        mem.set(a.data.subarray(size - rest, size), stage + 4 * (j + 1));
        addresses[j] = 4 * (stage + 4 * (j + 1));
      });
      callKernel(kernelFor(scalars, false), 4 * stage, addresses, 1);
      for (let i = 0; i < rest; i++) total += mem[stage + i]!;
    }
    outputs[0]!.data[0] = total;
  };
  perform.source = `;; wasm SIMD, 4 floats per step, summed in float64 (broadcast inputs, or arrays outside the wasm heap: the JS kernel)\n${probe.text}`;
  return perform;
}
