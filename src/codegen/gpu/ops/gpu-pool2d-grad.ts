import type { MaxPool2dGradGrad, Pool2dGrad } from '../../../ops/pool2d-grad.js';
import type { Apply } from '../../../ir/variable.js';
import { oneStage, unflattenIndex, type GpuRendering, type GpuShapes } from '../kernel-spec.js';
import { forEachInWindow, poolDims, windowCount, windowOrigin, type PoolDims } from './gpu-pool2d.js';

/**
 * Statements for one axis of the gather: the windows `win` (< outN) whose span [win·stride − pad, +ws) holds input
 * position `pos`, in increasing order (the CPU op adds the windows' contributions in that order). At most ⌈ws /
 * stride⌉ windows can: the loop runs over those ending at the last window that starts at or before pos (+ 0.5
 * before the division: a GPU's approximate division may fall just below an exact quotient).
 */
function coveringWindows(pos: string, win: string, ws: number, stride: number, pad: number, outN: number, body: string): string {
  const n = Math.ceil(ws / stride);
  const last = stride === 1 ? `${pos} + ${pad}` : `Math.floor((${pos} + ${pad} + 0.5) / ${stride})`;
  return `const ${win}Last = ${last};
    for (let ${win}q = 0; ${win}q < ${n}; ${win}q++) {
      const ${win} = ${win}Last - ${n - 1} + ${win}q;
      if (${win} >= 0 && ${win} < ${outN} && ${pos} + ${pad} - ${win} * ${stride} < ${ws}) { ${body} }
    }`;
}

/** Runs `body` for each window (i, j) holding input element (o0, o1, o2), with `zo` the window's flat index. */
function forEachCoveringWindow(d: PoolDims, body: string): string {
  const { ws, stride, pad } = d.p;
  const inner = `const zo = (o0 * ${d.oh} + i) * ${d.ow} + j; ${body}`;
  return coveringWindows('o1', 'i', ws[0], stride[0], pad[0], d.oh, coveringWindows('o2', 'j', ws[1], stride[1], pad[1], d.ow, inner));
}

/**
 * Pool2dGrad, gathered: each input element sums what the windows holding it send back: for 'max', gz where the
 * element equals the window's maximum z (every tie gets it, as the CPU op); for 'sum' gz; for the averages gz over
 * the window's divisor; for 'l2', x · gz / z (nothing where z is 0). Inputs (x, z, gz) for max and l2, (x, gz) else.
 */
export function renderPool2dGrad(node: Apply, { inputs, outputs: [xShape] }: GpuShapes): GpuRendering {
  const op = node.op as Pool2dGrad;
  const mode = op.mode;
  const d = poolDims(op.p, xShape!, inputs[1]!);
  const k = `this.thread.x`;
  const contribution: Record<string, string> = {
    max: `if (x[${k}] == z[zo]) { s += gz[zo]; }`,
    sum: 's += gz[zo];',
    averageIncPad: `${windowOrigin(d, 'i', 'j')} s += gz[zo] / ${windowCount(d, 'r0', 'c0')};`,
    averageExcPad: `${windowOrigin(d, 'i', 'j')} s += gz[zo] / ${windowCount(d, 'r0', 'c0')};`,
    l2: `if (z[zo] != 0.0) { s += x[${k}] * (gz[zo] / z[zo]); }`,
  };
  const source = `function (${op.takesOutput ? 'x, z, gz' : 'x, gz'}) {
    ${unflattenIndex(k, [d.planes, d.h, d.w], 'o')}
    let s = 0.0;
    ${forEachCoveringWindow(d, contribution[mode]!)}
    return s;
  }`;
  return oneStage(
    source,
    inputs.map((_, i) => i),
    d.planes * d.h * d.w,
    undefined,
    `maxPool2dGrad:${mode}`,
  );
}

/** MaxPool2dGradGrad, one window per thread: the sum of ggx over the window's elements equal to its maximum z. */
export function renderMaxPool2dGradGrad(node: Apply, { inputs: [xShape], outputs: [zShape] }: GpuShapes): GpuRendering {
  const d = poolDims({ ...(node.op as MaxPool2dGradGrad).p, mode: 'max' }, xShape!, zShape!);
  const source = `function (x, z, ggx) {
    ${unflattenIndex('this.thread.x', [d.planes, d.oh, d.ow], 'o')}
    const m = z[this.thread.x];
    ${windowOrigin(d, 'o1', 'o2')}
    let s = 0.0;
    ${forEachInWindow(d, 'o0', 'if (x[k] == m) { s += ggx[k]; }')}
    return s;
  }`;
  return oneStage(source, [0, 1, 2], d.planes * d.oh * d.ow, undefined, 'maxPool2dGradGrad');
}
