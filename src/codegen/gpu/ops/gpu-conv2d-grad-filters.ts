import type { Conv2dGradFilters } from '../../../ops/conv2d-grad-filters.js';
import type { Apply } from '../../../ir/variable.js';
import { unflattenIndex, type GpuRendering, type GpuShapes, type GpuStage } from '../kernel-spec.js';
import { convGeometry, imageAt, outputAt, within } from './gpu-conv-geometry.js';

/**
 * The gradient of conv2d with respect to its filters, gathered: weight (o, c, u, v) sums gz[b, o, i, j] ·
 * x[b, c, i·strideR + u′ − padR, j·strideW + v′ − padW] over images b and output positions (i, j), where (u′, v′) is
 * the tap the weight is applied at (u flipped when the convolution flips). Two stages, so that the threads are
 * weights × images rather than weights alone: one partial sum per image, then the sum over the batch.
 * Inputs (x, gz, fRows, fCols); the sizes are already in the shapes.
 */
export function renderConv2dGradFilters(node: Apply, { inputs: [xShape], outputs: [wShape] }: GpuShapes): GpuRendering {
  const p = (node.op as Conv2dGradFilters).conv;
  const g = convGeometry(p, xShape!, wShape!);
  const weights = g.outC * g.inC * g.fR * g.fW;
  const tapR = p.filterFlip ? `${g.fR - 1} - o3` : 'o3';
  const tapW = p.filterFlip ? `${g.fW - 1} - o4` : 'o4';
  const term = `s += gz[${outputAt(g, 'o0', 'o1', 'i', 'j')}] * x[${imageAt(g, 'o0', 'o2', 'r', 'col')}];`;
  const cols = `for (let j = 0; j < ${g.outW}; j++) { const col = j * ${g.strideW} + tw - ${g.padW}; ${within(g.padW > 0, 'col', g.inW, term)} }`;
  const rows = `for (let i = 0; i < ${g.outR}; i++) { const r = i * ${g.strideR} + tr - ${g.padR}; ${within(g.padR > 0, 'r', g.inR, cols)} }`;
  const perImage: GpuStage = {
    source: `function (x, gz) {
      ${unflattenIndex('this.thread.x', [g.batch, g.outC, g.inC, g.fR, g.fW], 'o')}
      const tr = ${tapR}; const tw = ${tapW};
      let s = 0.0;
      ${rows}
      return s;
    }`,
    args: [{ input: 0 }, { input: 1 }],
    size: g.batch * weights,
    label: g.batch === 1 ? 'conv2dGradFilters' : 'conv2dGradFilters:perImage',
  };
  const longest = Math.max(g.outR, g.outW);
  if (longest > 1000) perImage.loopMaxIterations = longest;
  if (g.batch === 1) return { stages: [perImage], outputs: [0] };
  const batchSum: GpuStage = {
    source: `function (part) { let s = 0.0; for (let b = 0; b < ${g.batch}; b++) { s += part[b * ${weights} + this.thread.x]; } return s; }`,
    args: [{ stage: 0 }],
    size: weights,
    label: 'conv2dGradFilters:batchSum',
  };
  if (g.batch > 1000) batchSum.loopMaxIterations = g.batch;
  return { stages: [perImage, batchSum], outputs: [1] };
}
