import type { Conv2d } from '../../../ops/conv2d.js';
import type { Apply } from '../../../ir/variable.js';
import { oneStage, unflattenIndex, type GpuRendering, type GpuShapes } from '../kernel-spec.js';
import { convGeometry, filterAt, imageAt, within } from './gpu-conv-geometry.js';

/**
 * conv2d, one output element (b, o, i, j) per thread: Σ over channels c and taps (u, v) of
 * x[b, c, i·strideR + u − padR, j·strideW + v − padW] · w[o, c, (flipped) u, v], taps in the padding skipped.
 */
export function renderConv2d(node: Apply, { inputs: [xShape, wShape] }: GpuShapes): GpuRendering {
  const p = (node.op as Conv2d).conv;
  const g = convGeometry(p, xShape!, wShape!);
  const tap = `s += x[${imageAt(g, 'o0', 'c', 'r', 'col')}] * w[${filterAt(g, p.filterFlip, 'o1', 'c', 'u', 'v')}];`;
  const cols = `for (let v = 0; v < ${g.fW}; v++) { const col = o3 * ${g.strideW} + v - ${g.padW}; ${within(g.padW > 0, 'col', g.inW, tap)} }`;
  const rows = `for (let u = 0; u < ${g.fR}; u++) { const r = o2 * ${g.strideR} + u - ${g.padR}; ${within(g.padR > 0, 'r', g.inR, cols)} }`;
  const source = `function (x, w) {
    ${unflattenIndex('this.thread.x', [g.batch, g.outC, g.outR, g.outW], 'o')}
    let s = 0.0;
    for (let c = 0; c < ${g.inC}; c++) { ${rows} }
    return s;
  }`;
  return oneStage(source, [0, 1], g.batch * g.outC * g.outR * g.outW, Math.max(g.inC, g.fR, g.fW), 'conv2d');
}
