import type { IncSubtensor } from '../../../ops/inc-subtensor.js';
import { sizeOf } from '../../../util/shape.js';
import { floatLiteral, oneStage, stridesOf, unflattenIndex, type GpuRenderer } from '../kernel-spec.js';
import { indexRanges } from './gpu-index-ranges.js';

/**
 * x with y set into (or added to) a region of basic indexing: each element of x checks whether it lies in the
 * region (on every axis: an int entry's index, or start + step·q with 0 <= q < count) and if so reads y at its
 * region coordinates q (y aligned right on the region, broadcast on its axes of size 1).
 */
export const renderIncSubtensor: GpuRenderer = (node, shapes) => {
  const op = node.op as IncSubtensor;
  const [xShape, yShape] = shapes.inputs as [number[], number[]];
  const ranges = indexRanges(node, op.entries, xShape, 2);
  const conditions: string[] = [];
  const regionCoords: string[] = [];
  const lines: string[] = [unflattenIndex('i', xShape, 'c'), ranges.statements];
  ranges.axes.forEach((r, a) => {
    if (!r.keep) return void conditions.push(`c${a} === ${r.start}`);
    if (r.start === '0.0' && r.step === '1.0' && r.count === floatLiteral(xShape[a]!)) return void regionCoords.push(`c${a}`);
    lines.push(`const d${a} = c${a} - ${r.start}; const q${a} = Math.floor(d${a} / ${r.step} + 0.5);`);
    conditions.push(`q${a} * ${r.step} === d${a}`, `q${a} >= 0.0`, `q${a} < ${r.count}`);
    regionCoords.push(`q${a}`);
  });
  // y's axes align with the last ones of the region; axes of size 1 broadcast (stride 0).
  const pad = regionCoords.length - yShape.length;
  const yStrides = stridesOf(yShape);
  const yTerms = yShape.flatMap((n, j) => (n === 1 ? [] : [`${regionCoords[j + pad]} * ${yStrides[j]}`]));
  // A float flag: gpu.js types `const b = x === y` as a float in GLSL and WGSL (a compile error), `a && b` as a bool.
  lines.push(`const inside = ${conditions.length > 0 ? `(${conditions.join(' && ')}) ? 1.0 : 0.0` : '1.0'};`);
  // Outside the region the coordinates are out of y's range: index 0 instead (wasm traps out of bounds).
  lines.push(`const yi = inside > 0.5 ? ${yTerms.join(' + ') || '0.0'} : 0.0;`);
  lines.push(`const yv = y[yi];`);
  const value = op.set ? 'inside > 0.5 ? yv : x[i]' : 'x[i] + (inside > 0.5 ? yv : 0.0)';
  const result = node.outputs[0]!.dtype === 'bool' ? `const v = ${value}; return v !== 0.0 ? 1.0 : 0.0;` : `return ${value};`;
  const params = ['x', 'y', ...ranges.deviceInputs.map((k) => `s${k}`)].join(', ');
  const source = `function (${params}) { const i = this.thread.x; ${lines.join(' ')} ${result} }`;
  return oneStage(source, [0, 1, ...ranges.deviceInputs], sizeOf(xShape), undefined, op.toString());
};
