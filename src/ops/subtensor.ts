import { isInteger } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import { apply1, opToString, type Op } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { TypeMismatchError } from '../util/errors.js';
import { describeEntries, forEachInRegion, resolveRanges, staticRanges, type IndexEntry } from './index-spec.js';
import { incSubtensor } from './inc-subtensor.js';
import { zerosLike } from './grad-helpers.js';

/** Basic indexing `x[i, a:b:c, …]` (Theano's Subtensor); inputs are x then the int scalars of the entries. */
export class Subtensor implements Op {
  readonly name = 'subtensor';
  readonly params: { idx: string };
  constructor(readonly entries: readonly IndexEntry[]) {
    this.params = { idx: describeEntries(entries) };
  }

  inferTypes([x, ...scalars]: readonly Variable[]): TensorType[] {
    checkIndexInputs('subtensor', x!, this.entries, scalars);
    // staticRanges already leaves out the axes that int entries remove.
    const shape = staticRanges(this.entries, x!, scalars);
    return [new TensorType(x!.dtype, shape)];
  }

  outputShapes([x, ...scalars]: readonly NDArray[], node: Apply): number[][] {
    return [
      resolveRanges(this.entries, x!.shape, scalars, node)
        .filter((r) => r.keep)
        .map((r) => r.count),
    ];
  }

  perform([x, ...scalars]: readonly NDArray[], [out]: NDArray[], node: Apply): void {
    const ranges = resolveRanges(this.entries, x!.shape, scalars, node);
    const src = x!.data;
    const o = out!.data;
    // Rows of a row-major array (x[a:b], x[i]) are one contiguous block: copy it at once.
    if (ranges.slice(1).every((r, k) => r.start === 0 && r.step === 1 && r.count === x!.shape[k + 1]) && (ranges[0]?.step ?? 1) === 1) {
      const start = (ranges[0]?.start ?? 0) * (x!.strides[0] ?? 1);
      o.set(src.subarray(start, start + o.length));
      return;
    }
    forEachInRegion(x!, ranges, (off, i) => {
      o[i] = src[off]!;
    });
  }

  grad([x, ...scalars]: readonly Variable[], _o: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    return [incSubtensor(zerosLike(x!), gz!, this.entries, scalars), ...scalars.map(() => null)];
  }

  pp([x, ...s]: string[]): string {
    return `${x}[${renderEntries(this.entries, s)}]`;
  }

  toString(): string {
    return opToString('subtensor', { idx: `(${this.params.idx})` });
  }
}

export function renderEntries(entries: readonly IndexEntry[], s: string[]): string {
  let k = 0;
  return entries
    .map((e) => {
      if (e.kind === 'int') return s[k++];
      const a = e.start ? s[k++] : '';
      const b = e.stop ? s[k++] : '';
      const c = e.step ? `:${s[k++]}` : '';
      return `${a}:${b}${c}`;
    })
    .join(', ');
}

export function checkIndexInputs(op: string, x: Variable, entries: readonly IndexEntry[], scalars: readonly Variable[]): void {
  if (entries.length > x.ndim) throw new TypeMismatchError(`${op}: too many indices (${entries.length}) for ${x.describe()}`);
  for (const s of scalars) {
    if (s.ndim !== 0 || !isInteger(s.dtype) || s.dtype === 'bool')
      throw new TypeMismatchError(`${op}: indices must be int scalars; got ${s.describe()} indexing ${x.describe()}`);
  }
}

export function subtensor(x: Variable, entries: readonly IndexEntry[], scalars: readonly Variable[]): Variable {
  return apply1(new Subtensor(entries), [x, ...scalars]);
}
