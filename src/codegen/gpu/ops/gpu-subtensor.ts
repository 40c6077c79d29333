import type { Subtensor } from '../../../ops/subtensor.js';
import { sizeOf } from '../../../util/shape.js';
import { oneStage, stridesOf, unflattenIndex, type GpuRenderer } from '../kernel-spec.js';
import { indexRanges } from './gpu-index-ranges.js';

/** Basic indexing: each output element reads x at start + step·coordinate on every axis (start alone on int entries). */
export const renderSubtensor: GpuRenderer = (node, shapes) => {
  const op = node.op as Subtensor;
  const xShape = shapes.inputs[0]!;
  const out = shapes.outputs[0]!;
  const ranges = indexRanges(node, op.entries, xShape, 1);
  const strides = stridesOf(xShape);
  let d = 0;
  const terms = ranges.axes.map((r, a) => {
    const at = r.keep ? `(${r.start} + ${r.step} * c${d++})` : r.start;
    return strides[a] === 1 ? at : `${at} * ${strides[a]}`;
  });
  const params = ['x', ...ranges.deviceInputs.map((k) => `s${k}`)].join(', ');
  const coords = out.length > 0 ? unflattenIndex('i', out, 'c') : '';
  const source = `function (${params}) { const i = this.thread.x; ${coords} ${ranges.statements} return x[${terms.join(' + ') || '0'}]; }`;
  return oneStage(source, [0, ...ranges.deviceInputs], sizeOf(out), undefined, op.toString());
};
