import type { DimShuffle } from '../../../ops/dimshuffle.js';
import { sizeOf } from '../../../util/shape.js';
import { oneStage, stridesOf, unflattenIndex, type GpuRenderer } from '../kernel-spec.js';

/** Transposes and broadcastable axes: each output element reads its input element (inserted axes have size 1). */
export const renderDimShuffle: GpuRenderer = (node, shapes) => {
  const op = node.op as DimShuffle;
  const out = shapes.outputs[0]!;
  const inStrides = stridesOf(shapes.inputs[0]!);
  const terms = op.pattern.flatMap((p, d) => (p === 'x' || out[d] === 1 ? [] : [`c${d} * ${inStrides[p]}`]));
  // Only inserting or dropping axes of size 1 keeps the flat order: a copy.
  const kept = op.pattern.filter((p): p is number => p !== 'x' && shapes.inputs[0]![p]! !== 1);
  const ordered = kept.every((p, j) => j === 0 || kept[j - 1]! < p);
  const body = ordered ? 'return x[this.thread.x];' : `const i = this.thread.x; ${unflattenIndex('i', out, 'c')} return x[${terms.join(' + ') || '0'}];`;
  return oneStage(`function (x) { ${body} }`, [0], sizeOf(out), undefined, op.toString());
};
