import type { TypedArray } from '../../ir/dtype.js';
import type { NDArray } from '../../ir/ndarray.js';

/**
 * Generates broadcasting loops for elementwise bodies: one nested `for` per axis, each input walking its own
 * strides (0 on broadcast axes), the body written as JS statements that end by assigning `r`. One kernel per
 * (body, rank), compiled once with `new Function`; the strides are read at call time.
 */
export type LoopKernel = (out: TypedArray, ins: readonly TypedArray[], shape: readonly number[], strides: readonly (readonly number[])[]) => void;

const cache = new Map<string, LoopKernel>();

/** `body` reads the arguments a0…a{n-1} and assigns the result to `r`. */
export function loopKernel(body: string, arity: number, rank: number): LoopKernel {
  const key = `${arity}|${rank}|${body}`;
  let k = cache.get(key);
  if (k) return k;
  const lines: string[] = ['"use strict";'];
  for (let j = 0; j < arity; j++) {
    lines.push(`const in${j} = ins[${j}];`);
    for (let ax = 0; ax < rank; ax++) lines.push(`const st${j}_${ax} = strides[${j}][${ax}];`);
  }
  for (let ax = 0; ax < rank; ax++) lines.push(`const n${ax} = shape[${ax}];`);
  lines.push('let o = 0;');
  if (rank === 0) {
    for (let j = 0; j < arity; j++) lines.push(`const a${j} = in${j}[0];`);
    lines.push(`let r; ${body}`, 'out[0] = r;');
  } else {
    const pos = (j: number, ax: number) => `p${j}_${ax}`;
    for (let ax = 0; ax < rank; ax++) {
      const init = Array.from({ length: arity }, (_, j) => `${pos(j, ax)} = ${ax === 0 ? '0' : pos(j, ax - 1)}`);
      const step = Array.from({ length: arity }, (_, j) => `${pos(j, ax)} += st${j}_${ax}`);
      lines.push(`for (let i${ax} = 0${init.map((s) => `, ${s}`).join('')}; i${ax} < n${ax}; i${ax}++${step.map((s) => `, ${s}`).join('')}) {`);
    }
    for (let j = 0; j < arity; j++) lines.push(`const a${j} = in${j}[${pos(j, rank - 1)}];`);
    lines.push(`let r; ${body}`, 'out[o++] = r;');
    for (let ax = 0; ax < rank; ax++) lines.push('}');
  }
  k = new Function('out', 'ins', 'shape', 'strides', lines.join('\n')) as LoopKernel;
  cache.set(key, k);
  return k;
}

/** Runs `body` over the broadcast of `inputs` into `out`. */
export function runLoop(body: string, out: NDArray, inputs: readonly NDArray[]): void {
  const strides = inputs.map((a) => a.shape.map((d, ax) => (d === 1 ? 0 : a.strides[ax]!)));
  loopKernel(body, inputs.length, out.ndim)(out.data, inputs.map((a) => a.data), out.shape, strides);
}
