import type { Pool2d } from '../../../ops/pool2d.js';
import type { PoolParams } from '../../../ops/pool-geometry.js';
import type { Apply } from '../../../ir/variable.js';
import { oneStage, unflattenIndex, type GpuRendering, type GpuShapes } from '../kernel-spec.js';

/** Pooling sizes of a node: images of h × w (the leading axes flattened into `planes`), windows of oh × ow. */
export interface PoolDims {
  p: PoolParams;
  planes: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
}

export function poolDims(p: PoolParams, input: readonly number[], pooled: readonly number[]): PoolDims {
  const nd = input.length;
  const planes = input.slice(0, -2).reduce((a, b) => a * b, 1);
  return { p, planes, h: input[nd - 2]!, w: input[nd - 1]!, oh: pooled[nd - 2]!, ow: pooled[nd - 1]! };
}

/** Declares r0 and c0, the first row and column of window (i, j) (negative in the padding). */
export function windowOrigin(d: PoolDims, i: string, j: string): string {
  return `const r0 = ${i} * ${d.p.stride[0]} - ${d.p.pad[0]}; const c0 = ${j} * ${d.p.stride[1]} - ${d.p.pad[1]};`;
}

/**
 * A loop that runs `body` for each real element of the window at r0, c0 of plane `plane`, with `k` its flat input
 * index; padding and the part of a partial window beyond the image are skipped.
 */
export function forEachInWindow(d: PoolDims, plane: string, body: string): string {
  const { ws, pad, ignoreBorder } = d.p;
  // Without padding or partial windows every window lies inside the image.
  const guarded = pad[0] > 0 || pad[1] > 0 || !ignoreBorder;
  const guard = (idx: string, n: number, b: string) => (guarded ? `if (${idx} >= 0 && ${idx} < ${n}) { ${b} }` : b);
  const cols = `for (let v = 0; v < ${ws[1]}; v++) { const c = c0 + v; ${guard('c', d.w, `const k = (${plane} * ${d.h} + r) * ${d.w} + c; ${body}`)} }`;
  return `for (let u = 0; u < ${ws[0]}; u++) { const r = r0 + u; ${guard('r', d.h, cols)} }`;
}

/**
 * The divisor of an average over window (i, j), from r0 and c0: the window's size inside the padded image
 * (averageIncPad) or its number of real elements (averageExcPad), as pool-geometry's window tables.
 */
export function windowCount(d: PoolDims, r0: string, c0: string): string {
  const [wr, wc] = d.p.ws;
  const [pr, pc] = d.p.pad;
  if (d.p.mode === 'averageIncPad') return `((Math.min(${r0} + ${wr}, ${d.h + pr}) - ${r0}) * (Math.min(${c0} + ${wc}, ${d.w + pc}) - ${c0}))`;
  return `((Math.min(${r0} + ${wr}, ${d.h}) - Math.max(${r0}, 0)) * (Math.min(${c0} + ${wc}, ${d.w}) - Math.max(${c0}, 0)))`;
}

/**
 * Pool2d, one window per thread. Max starts from the window's first real element (there is always one), so no
 * infinity literal is needed (WGSL rejects 1.0 / 0.0 in constant expressions). NaN inputs are left to the device's
 * max: WGSL and GLSL may drop them (and fold away a test such as e != e), where the CPU op's NaN wins.
 */
export function renderPool2d(node: Apply, { inputs: [xShape], outputs: [outShape] }: GpuShapes): GpuRendering {
  const d = poolDims((node.op as Pool2d).p, xShape!, outShape!);
  const mode = d.p.mode;
  const update = mode === 'max' ? 's = Math.max(s, x[k]);' : mode === 'l2' ? 's += x[k] * x[k];' : 's += x[k];';
  const first = `x[(o0 * ${d.h} + Math.max(r0, 0)) * ${d.w} + Math.max(c0, 0)]`;
  const result = mode === 'l2' ? 'Math.sqrt(s)' : mode.startsWith('average') ? `s / ${windowCount(d, 'r0', 'c0')}` : 's';
  const source = `function (x) {
    ${unflattenIndex('this.thread.x', [d.planes, d.oh, d.ow], 'o')}
    ${windowOrigin(d, 'o1', 'o2')}
    let s = ${mode === 'max' ? first : '0.0'};
    ${forEachInWindow(d, 'o0', update)}
    return ${result};
  }`;
  return oneStage(source, [0], d.planes * d.oh * d.ow, undefined, `maxPool2d:${mode}`);
}
