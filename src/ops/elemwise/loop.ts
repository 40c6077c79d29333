import type { TypedArray } from '../../ir/dtype.js';
import type { NDArray } from '../../ir/ndarray.js';

/**
 * Generates broadcasting loops for elementwise bodies: one nested `for` per axis, each input walking its own
 * strides (0 on broadcast axes), the body written as JS statements that end by assigning `r`. One kernel per
 * (body, rank), compiled once with `new Function`; the strides are read at call time.
 */
export type LoopKernel = (out: TypedArray, ins: readonly TypedArray[], shape: readonly number[], strides: readonly (readonly number[])[]) => void;

const cache = new Map<string, LoopKernel>();

/**
 * `body` reads the arguments a0…a{n-1} and assigns the result to `r`. With `sum`, the results are added up in
 * float64 into out[0] instead of stored (a reduction fused with the expression it reduces).
 */
export function loopKernel(body: string, arity: number, rank: number, sum = false): LoopKernel {
  const key = `${arity}|${rank}|${sum}|${body}`;
  const store = sum ? 'acc += r;' : 'out[o++] = r;';
  let k = cache.get(key);
  if (k) return k;
  const lines: string[] = ['"use strict";'];
  for (let j = 0; j < arity; j++) {
    lines.push(`const in${j} = ins[${j}];`);
    for (let ax = 0; ax < rank; ax++) lines.push(`const st${j}_${ax} = strides[${j}][${ax}];`);
  }
  for (let ax = 0; ax < rank; ax++) lines.push(`const n${ax} = shape[${ax}];`);
  lines.push('let o = 0;', 'let acc = 0;');
  if (rank === 0) {
    for (let j = 0; j < arity; j++) lines.push(`const a${j} = in${j}[0];`);
    lines.push(`let r; ${body}`, store);
  } else {
    const pos = (j: number, ax: number) => `p${j}_${ax}`;
    for (let ax = 0; ax < rank; ax++) {
      const init = Array.from({ length: arity }, (_, j) => `${pos(j, ax)} = ${ax === 0 ? '0' : pos(j, ax - 1)}`);
      const step = Array.from({ length: arity }, (_, j) => `${pos(j, ax)} += st${j}_${ax}`);
      lines.push(`for (let i${ax} = 0${init.map((s) => `, ${s}`).join('')}; i${ax} < n${ax}; i${ax}++${step.map((s) => `, ${s}`).join('')}) {`);
    }
    for (let j = 0; j < arity; j++) lines.push(`const a${j} = in${j}[${pos(j, rank - 1)}];`);
    lines.push(`let r; ${body}`, store);
    for (let ax = 0; ax < rank; ax++) lines.push('}');
  }
  if (sum) lines.push('out[0] = acc;');
  k = new Function('out', 'ins', 'shape', 'strides', lines.join('\n')) as LoopKernel;
  cache.set(key, k);
  return k;
}

type FlatKernel = (out: TypedArray, ins: readonly TypedArray[], n: number) => void;
const flatCache = new Map<string, FlatKernel>();

/** One flat loop when every input is either the output's full shape or a single value (bit j of `mask`). */
export function flatKernel(body: string, arity: number, mask: number): FlatKernel {
  const key = `${arity}|${mask}|${body}`;
  let k = flatCache.get(key);
  if (k) return k;
  const decl = Array.from({ length: arity }, (_, j) => (mask & (1 << j) ? `const a${j} = ins[${j}][0];` : `const in${j} = ins[${j}];`));
  const loads = Array.from({ length: arity }, (_, j) => (mask & (1 << j) ? '' : `const a${j} = in${j}[i];`)).join(' ');
  k = new Function('out', 'ins', 'n', `"use strict";\n${decl.join('\n')}\nfor (let i = 0; i < n; i++) { ${loads} let r; ${body} out[i] = r; }`) as FlatKernel;
  flatCache.set(key, k);
  return k;
}

/** Runs `body` over the broadcast of `inputs` (shape `shape`) and stores the sum of the results in out[0]. */
export function runSumLoop(body: string, out: NDArray, inputs: readonly NDArray[], shape: readonly number[]): void {
  const strides = inputs.map((a) => a.shape.map((d, ax) => (d === 1 ? 0 : a.strides[ax]!)));
  loopKernel(body, inputs.length, shape.length, true)(
    out.data,
    inputs.map((a) => a.data),
    shape,
    strides,
  );
}

/** Runs `body` over the broadcast of `inputs` into `out`. */
export function runLoop(body: string, out: NDArray, inputs: readonly NDArray[]): void {
  let mask = 0;
  let flat = true;
  inputs.forEach((a, j) => {
    if (a.size === 1 && out.size !== 1) mask |= 1 << j;
    else if (a.size !== out.size || a.ndim !== out.ndim || !a.shape.every((d, ax) => d === out.shape[ax])) flat = false;
  });
  if (flat)
    return flatKernel(body, inputs.length, mask)(
      out.data,
      inputs.map((a) => a.data),
      out.size,
    );
  const strides = inputs.map((a) => a.shape.map((d, ax) => (d === 1 ? 0 : a.strides[ax]!)));
  loopKernel(body, inputs.length, out.ndim)(
    out.data,
    inputs.map((a) => a.data),
    out.shape,
    strides,
  );
}
