import type { NDArray } from '../ir/ndarray.js';
import { apply1, opToString, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { ShapeError, TypeMismatchError } from '../util/errors.js';
import { formatShape } from '../util/shape.js';
import { atCallSite, describeValue } from '../ir/validate.js';
import { sum } from './sum.js';

export type Pattern = readonly (number | 'x')[];

/**
 * Reorders axes, inserts broadcastable axes ('x') and drops axes of size 1 (Theano's DimShuffle);
 * `x.T` is dimshuffle(1, 0).
 */
export class DimShuffle implements Op {
  readonly name = 'dimshuffle';
  readonly params: { pattern: string };
  constructor(readonly pattern: Pattern) {
    this.params = { pattern: pattern.join(',') };
  }

  inferTypes([x]: readonly Variable[]): TensorType[] {
    const used = this.pattern.filter((p): p is number => p !== 'x');
    if (new Set(used).size !== used.length || used.some((a) => !Number.isInteger(a) || a < 0 || a >= x!.ndim)) {
      throw new TypeMismatchError(
        `dimshuffle: pattern (${this.pattern.join(', ')}) is not valid for ${x!.describe()}: each axis 0..${x!.ndim - 1} may appear at most once`,
      );
    }
    for (let a = 0; a < x!.ndim; a++) {
      const d = x!.type.shape[a];
      if (!used.includes(a) && d !== null && d !== 1) {
        throw new ShapeError(`dimshuffle: pattern (${this.pattern.join(', ')}) drops axis ${a} of ${x!.describe()}, but only axes of size 1 can be dropped`);
      }
    }
    return [
      new TensorType(
        x!.dtype,
        this.pattern.map((p) => (p === 'x' ? 1 : x!.type.shape[p]!)),
      ),
    ];
  }

  outputShapes([x]: readonly NDArray[], node: Apply): number[][] {
    for (let a = 0; a < x!.ndim; a++) {
      if (!this.pattern.includes(a) && x!.shape[a] !== 1) {
        throw new ShapeError(
          `dimshuffle: drops axis ${a} of ${node.inputs[0]!.describeWithShape(x!.shape)}, which is not of size 1.${node.outputs[0]!.createdAt()}`,
        );
      }
    }
    return [this.pattern.map((p) => (p === 'x' ? 1 : x!.shape[p]!))];
  }

  perform([x]: readonly NDArray[], [out]: NDArray[]): void {
    const o = out!.data;
    const n = o.length;
    const rank = out!.ndim;
    if (n === 0) return;
    const srcStrides = this.pattern.map((p) => (p === 'x' ? 0 : x!.strides[p]!));
    const shape = out!.shape;
    const idx = new Array<number>(rank).fill(0);
    const src = x!.data;
    let off = 0;
    for (let i = 0; i < n; i++) {
      o[i] = src[off]!;
      for (let ax = rank - 1; ax >= 0; ax--) {
        idx[ax]!++;
        off += srcStrides[ax]!;
        if (idx[ax]! < shape[ax]!) break;
        off -= srcStrides[ax]! * idx[ax]!;
        idx[ax] = 0;
      }
    }
  }

  grad([x]: readonly Variable[], _o: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    // Sum over the inserted axes, then put the remaining axes back in input order, re-adding dropped ones.
    const inserted = this.pattern.flatMap((p, i) => (p === 'x' ? [i] : []));
    let g = inserted.length ? sum(gz!, inserted) : gz!;
    const kept = this.pattern.filter((p): p is number => p !== 'x');
    const back: (number | 'x')[] = [];
    for (let a = 0; a < x!.ndim; a++) {
      const pos = kept.indexOf(a);
      back.push(pos === -1 ? 'x' : pos);
    }
    if (!isIdentity(back, kept.length)) g = dimshuffle(g, back);
    return [g];
  }

  pp([a]: string[]): string {
    // Leading 'x' axes only align ranks for broadcasting: print the operand alone.
    const lead = this.pattern.findIndex((p) => p !== 'x');
    const padding = this.pattern.slice(lead === -1 ? this.pattern.length : lead).every((p, i) => p === i);
    if (padding) return a!;
    return this.isTranspose() ? `${a}.T` : `${a}.dimshuffle(${this.pattern.map((p) => (p === 'x' ? "'x'" : p)).join(', ')})`;
  }

  private isTranspose(): boolean {
    return this.pattern.length === 2 && this.pattern[0] === 1 && this.pattern[1] === 0;
  }

  toString(): string {
    return opToString('dimshuffle', { pattern: `(${this.pattern.join(',')})` });
  }
}

function isIdentity(pattern: Pattern, ndim: number): boolean {
  return pattern.length === ndim && pattern.every((p, i) => p === i);
}

export function dimshuffle(x: Variable, pattern: Pattern): Variable {
  if (!Array.isArray(pattern) || !pattern.every((p: unknown) => p === 'x' || (typeof p === 'number' && Number.isInteger(p)))) {
    const shown = Array.isArray(pattern)
      ? `(${pattern.map((p: unknown) => (p === 'x' || typeof p === 'number' ? String(p) : describeValue(p))).join(', ')})`
      : describeValue(pattern);
    throw new TypeMismatchError(
      `dimshuffle: pattern ${shown} is not valid for ${x.describe()}: its entries must be axis numbers 0..${x.ndim - 1} or 'x'.${atCallSite()}`,
    );
  }
  if (isIdentity(pattern, x.ndim)) return x;
  return apply1(new DimShuffle(pattern), [x]);
}

export function transpose(x: Variable): Variable {
  return dimshuffle(
    x,
    Array.from({ length: x.ndim }, (_, i) => x.ndim - 1 - i),
  );
}

/** Pads `x` on the left with broadcastable axes up to `ndim` (NumPy's rank alignment). */
export function padLeft(x: Variable, ndim: number): Variable {
  if (x.ndim === ndim) return x;
  if (x.ndim > ndim) throw new ShapeError(`padLeft: ${x.describe()} has rank above ${ndim} ${formatShape(x.type.shape)}`);
  const pattern: (number | 'x')[] = [];
  for (let i = 0; i < ndim - x.ndim; i++) pattern.push('x');
  for (let i = 0; i < x.ndim; i++) pattern.push(i);
  return dimshuffle(x, pattern);
}
