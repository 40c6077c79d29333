import type { AdvancedIncSubtensor } from '../../../ops/advanced-inc-subtensor.js';
import { sizeOf } from '../../../util/shape.js';
import { oneStage, stridesOf, unflattenIndex, type GpuRenderer } from '../kernel-spec.js';
import { wrappedIndex } from './gpu-advanced-subtensor.js';

/** Beyond this much work (x's size times the index length, say a large embedding's gradient), the host does it. */
const MAX_WORK = 2 ** 27;

/**
 * x with y added to (or set into) the rows x[i0[r], i1[r], …]: each element of x loops over the n index rows and
 * takes every row that names it, in order, so repeated indices accumulate (inc) or the last one wins (set), as
 * the host's sequential loop: O(size·n) work, fine for minibatch-sized index vectors.
 */
export const renderAdvancedIncSubtensor: GpuRenderer = (node, shapes) => {
  const op = node.op as AdvancedIncSubtensor;
  const [xShape, yShape, ...idxShapes] = shapes.inputs as number[][];
  const lead = idxShapes.length;
  const n = idxShapes.some((s) => s[0] === 0) ? 0 : Math.max(...idxShapes.map((s) => s[0]!));
  if (sizeOf(xShape!) * n > MAX_WORK) return undefined;
  const innerShape = xShape!.slice(lead);
  // y aligns right on the selection (n, …inner); its axes of size 1 broadcast.
  const sel = [n, ...innerShape];
  const yFull = [...new Array<number>(sel.length - yShape!.length).fill(1), ...yShape!];
  const yStrides = stridesOf(yFull).map((s, a) => (yFull[a] === 1 ? 0 : s));
  const lines = ['const i = this.thread.x;', unflattenIndex('i', xShape!, 'c')];
  const innerTerms = innerShape.flatMap((_, d) => (yStrides[d + 1] ? [`c${d + lead} * ${yStrides[d + 1]}`] : []));
  lines.push(`const yj = ${innerTerms.join(' + ') || '0.0'};`);
  lines.push('let acc = x[i];');
  const loop: string[] = [];
  const matches = idxShapes.map((s, a) => {
    loop.push(wrappedIndex(`v${a}`, s[0] === 1 ? '0' : 'r', xShape![a]!, `k${a}`));
    return `k${a} === c${a}`;
  });
  const yAt = `y[r * ${yStrides[0]} + yj]`;
  const next = op.set ? yAt : `acc + ${yAt}`;
  // A bool tensor stays 0/1 after every update, as the host's bool array does.
  const update = node.outputs[0]!.dtype === 'bool' ? `(${next} !== 0.0 ? 1.0 : 0.0)` : next;
  loop.push(`if (${matches.join(' && ')}) { acc = ${update}; }`);
  lines.push(`for (let r = 0; r < ${n}; r++) { ${loop.join(' ')} }`);
  const params = ['x', 'y', ...idxShapes.map((_, a) => `v${a}`)].join(', ');
  return oneStage(
    `function (${params}) { ${lines.join(' ')} return acc; }`,
    node.inputs.map((_, k) => k),
    sizeOf(xShape!),
    n,
    op.toString(),
  );
};
