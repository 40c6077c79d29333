import { isInteger } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import { apply1, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import { Constant, type Apply, type Variable } from '../ir/variable.js';
import { IndexError, ShapeError, TypeMismatchError } from '../util/errors.js';
import { advancedIncSubtensor } from './advanced-inc-subtensor.js';
import { zerosLike } from './grad-helpers.js';

/**
 * Integer-array indexing of the leading axes, as NumPy's `x[i0, i1, …]` with int vectors of one length n:
 * the result has shape (n, …remaining axes). `T.log(p).get(T.arange(n), y)` picks one entry per row.
 */
export class AdvancedSubtensor implements Op {
  readonly name = 'advancedSubtensor';

  inferTypes([x, ...idx]: readonly Variable[]): TensorType[] {
    checkAdvancedIndices('advancedSubtensor', x!, idx);
    // Length-1 vectors broadcast: the result length is a known length other than 1, else 1 only if all are 1.
    const lengths = idx.map((v) => v.type.shape[0]!);
    const n = lengths.find((d) => d !== null && d !== 1) ?? (lengths.every((d) => d === 1) ? 1 : null);
    return [new TensorType(x!.dtype, [n, ...x!.type.shape.slice(idx.length)])];
  }

  outputShapes([x, ...idx]: readonly NDArray[], node: Apply): number[][] {
    return [[commonLength(idx, node), ...x!.shape.slice(idx.length)]];
  }

  perform([x, ...idx]: readonly NDArray[], [out]: NDArray[], node: Apply): void {
    const n = commonLength(idx, node);
    const inner = x!.shape.slice(idx.length).reduce((p, d) => p * d, 1);
    const src = x!.data;
    const o = out!.data;
    for (let r = 0; r < n; r++) {
      const base = flatOffset(x!, idx, r, node);
      for (let j = 0; j < inner; j++) o[r * inner + j] = src[base + j]!;
    }
  }

  grad([x, ...idx]: readonly Variable[], _o: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    return [advancedIncSubtensor(zerosLike(x!), gz!, idx), ...idx.map(() => null)];
  }

  pp([x, ...idx]: string[]): string {
    return `${x}[${idx.join(', ')}]`;
  }

  toString(): string {
    return 'advancedSubtensor';
  }
}

export function checkAdvancedIndices(op: string, x: Variable, idx: readonly Variable[]): void {
  if (idx.length === 0 || idx.length > x.ndim) throw new TypeMismatchError(`${op}: needs 1..${x.ndim} int vectors to index ${x.describe()}; got ${idx.length}`);
  for (const v of idx) {
    if (v.ndim !== 1 || !isInteger(v.dtype) || v.dtype === 'bool') {
      const mask = v.dtype === 'bool' ? ' (boolean masks are not supported: index with the positions instead)' : '';
      throw new TypeMismatchError(`${op}: indices must be int vectors; got ${v.describe()} indexing ${x.describe()}${mask}`);
    }
  }
}

/** The common length of the index vectors (a length-1 vector broadcasts). */
export function commonLength(idx: readonly NDArray[], node: Apply): number {
  let n = 1;
  for (const v of idx) {
    const d = v.shape[0]!;
    if (d !== 1 && n !== 1 && d !== n) {
      throw new ShapeError(
        `${node.op.name}: index vectors differ in length: ${idx.map((a, i) => node.inputs[i + (node.inputs.length - idx.length)]!.describeWithShape(a.shape)).join(', ')}.${node.outputs[0]!.createdAt()}`,
      );
    }
    if (d !== 1) n = d;
  }
  return idx.some((v) => v.shape[0] === 0) ? 0 : n;
}

/** Offset in x of row r of the gathered result; negative indices count from the end. */
export function flatOffset(x: NDArray, idx: readonly NDArray[], r: number, node: Apply): number {
  let off = 0;
  for (let a = 0; a < idx.length; a++) {
    const v = idx[a]!;
    const raw = v.data[v.shape[0] === 1 ? 0 : r]!;
    const n = x.shape[a]!;
    const i = raw < 0 ? raw + n : raw;
    if (i < 0 || i >= n) {
      const iv = node.inputs[node.inputs.length - idx.length + a]!;
      const pos = v.shape[0] === 1 ? 0 : r;
      throw new IndexError(
        `${node.op.name}: index ${raw} is out of bounds for axis ${a} of ${node.inputs[0]!.describeWithShape(x.shape)}, of size ${n} (element ${pos} of ${iv instanceof Constant ? `the index list [${Array.from(v.data.slice(0, 8)).join(', ')}${v.size > 8 ? ', …' : ''}]` : `the index vector ${iv.describeWithShape(v.shape)}`}).${node.outputs[0]!.createdAt()}`,
      );
    }
    off += i * x.strides[a]!;
  }
  return off;
}

export function advancedSubtensor(x: Variable, idx: readonly Variable[]): Variable {
  return apply1(new AdvancedSubtensor(), [x, ...idx]);
}
