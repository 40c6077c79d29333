import type { Conv2dGradInputs } from '../../../ops/conv2d-grad-input.js';
import type { Apply } from '../../../ir/variable.js';
import { oneStage, unflattenIndex, type GpuRendering, type GpuShapes } from '../kernel-spec.js';
import { convGeometry, filterAt, outputAt } from './gpu-conv-geometry.js';

/**
 * Statements for one spatial axis of the gather: the taps `tap` of an input position `pos` and the output
 * positions `out` that reach it (out·stride + tap − pad = pos). Only the taps congruent to pos + pad modulo the
 * stride can, so the loop steps through those: ⌈f / stride⌉ of them, each tested against both ends.
 */
function reachingOutputs(pos: string, tap: string, out: string, f: number, pad: number, stride: number, outN: number, body: string): string {
  const q = `${tap}q`;
  const first =
    stride === 1
      ? `const ${out}0 = ${pos} + ${pad}; const ${tap}0 = 0;`
      : `const ${out}0 = Math.floor((${pos} + ${pad} + 0.5) / ${stride}); const ${tap}0 = ${pos} + ${pad} - ${out}0 * ${stride};`;
  const inRange = [...(f % stride === 0 ? [] : [`${tap} < ${f}`]), `${out} >= 0`, `${out} < ${outN}`].join(' && ');
  return `${first} for (let ${q} = 0; ${q} < ${Math.ceil(f / stride)}; ${q}++) {
    const ${tap} = ${tap}0 + ${q} * ${stride}; const ${out} = ${out}0 - ${q};
    if (${inRange}) { ${body} }
  }`;
}

/**
 * The gradient of conv2d with respect to its input, gathered: each input element (b, c, r, col) sums gz[b, o, i, j]
 * · w[o, c, u, v] over the output positions (i, j) whose tap (u, v) falls on it, for every output channel o.
 * Inputs (filters, gz, rows, cols); the sizes are already in the shapes.
 */
export function renderConv2dGradInputs(node: Apply, { inputs: [wShape], outputs: [xShape] }: GpuShapes): GpuRendering {
  const p = (node.op as Conv2dGradInputs).conv;
  const g = convGeometry(p, xShape!, wShape!);
  const term = `s += gz[${outputAt(g, 'o0', 'o', 'i', 'j')}] * w[${filterAt(g, p.filterFlip, 'o', 'o1', 'u', 'v')}];`;
  const cols = reachingOutputs('o3', 'v', 'j', g.fW, g.padW, g.strideW, g.outW, term);
  const rows = reachingOutputs('o2', 'u', 'i', g.fR, g.padR, g.strideR, g.outR, cols);
  const source = `function (w, gz) {
    ${unflattenIndex('this.thread.x', [g.batch, g.inC, g.inR, g.inW], 'o')}
    let s = 0.0;
    for (let o = 0; o < ${g.outC}; o++) { ${rows} }
    return s;
  }`;
  return oneStage(source, [0, 1], g.batch * g.inC * g.inR * g.inW, g.outC, 'conv2dGradInputs');
}
