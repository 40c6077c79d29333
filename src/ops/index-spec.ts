import type { NDArray } from '../ir/ndarray.js';
import type { Apply, Variable } from '../ir/variable.js';
import { Constant } from '../ir/variable.js';
import { IndexError } from '../util/errors.js';

/**
 * Basic indexing as Python's `x[...]`: per axis an int (removes the axis) or a slice whose present parts are
 * int scalar inputs of the node, in order. Axes past the entries are taken whole.
 */
export type IndexEntry = { kind: 'int' } | { kind: 'slice'; start: boolean; stop: boolean; step: boolean };

/** `i, 2:?, ::?` style text for op names. */
export function describeEntries(entries: readonly IndexEntry[]): string {
  return entries.map((e) => (e.kind === 'int' ? 'i' : `${e.start ? 's' : ''}:${e.stop ? 's' : ''}${e.step ? ':s' : ''}`)).join(',');
}

/** Per input axis: first index, step, and count; `keep` false for int entries (axis removed). */
export interface AxisRange {
  start: number;
  step: number;
  count: number;
  keep: boolean;
}

/** Python's slice.indices, for one axis of length n. */
export function sliceRange(n: number, start: number | null, stop: number | null, step: number | null): { start: number; step: number; count: number } {
  const st = step ?? 1;
  if (st === 0) throw new IndexError('slice step cannot be zero');
  const lower = st < 0 ? -1 : 0;
  const upper = st < 0 ? n - 1 : n;
  const clamp = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) v += n;
    return v < lower ? lower : v > upper ? upper : v;
  };
  const s = clamp(start, st < 0 ? upper : lower);
  const e = clamp(stop, st < 0 ? lower : upper);
  const count = st > 0 ? (s < e ? Math.floor((e - s - 1) / st) + 1 : 0) : s > e ? Math.floor((s - e - 1) / -st) + 1 : 0;
  return { start: s, step: st, count };
}

/** Resolves entries against a run-time shape, reading the scalar index values. */
export function resolveRanges(entries: readonly IndexEntry[], shape: readonly number[], scalars: readonly NDArray[], node: Apply, xPos = 0): AxisRange[] {
  const ranges: AxisRange[] = [];
  let k = 0;
  const next = (): number => scalars[k++]!.item();
  shape.forEach((n, axis) => {
    const e = entries[axis];
    if (!e) return void ranges.push({ start: 0, step: 1, count: n, keep: true });
    if (e.kind === 'int') {
      const raw = next();
      const i = raw < 0 ? raw + n : raw;
      if (i < 0 || i >= n) {
        const x = node.inputs[xPos]!;
        throw new IndexError(
          `${node.op.name}: index ${raw} is out of bounds for axis ${axis} of ${x.describeWithShape(shape)}, of size ${n}.${node.outputs[0]!.createdAt()}`,
        );
      }
      return void ranges.push({ start: i, step: 1, count: 1, keep: false });
    }
    const start = e.start ? next() : null;
    const stop = e.stop ? next() : null;
    const step = e.step ? next() : null;
    if (step === 0) {
      const x = node.inputs[xPos]!;
      throw new IndexError(`${node.op.name}: slice step cannot be zero (axis ${axis} of ${x.describeWithShape(shape)}).${node.outputs[0]!.createdAt()}`);
    }
    ranges.push({ ...sliceRange(n, start, stop, step), keep: true });
  });
  return ranges;
}

/** Static output shape where constants and the input's static shape allow it. */
export function staticRanges(entries: readonly IndexEntry[], x: Variable, scalars: readonly Variable[]): (number | null)[] {
  const out: (number | null)[] = [];
  let k = 0;
  const next = (): number | null => {
    const v = scalars[k++]!;
    return v instanceof Constant ? v.value.item() : null;
  };
  x.type.shape.forEach((n, axis) => {
    const e = entries[axis];
    if (!e) return void out.push(n);
    if (e.kind === 'int') return void next();
    const parts = [e.start ? next() : null, e.stop ? next() : null, e.step ? next() : null];
    const unknown = (e.start && parts[0] === null) || (e.stop && parts[1] === null) || (e.step && parts[2] === null);
    if (n === null) out.push(null);
    else out.push(unknown ? null : sliceRange(n, parts[0]!, parts[1]!, parts[2]!).count);
  });
  return out;
}

/** Visits the source offset of every element of the region, in row-major order of the region. */
export function forEachInRegion(x: NDArray, ranges: readonly AxisRange[], visit: (srcOffset: number, i: number) => void): void {
  const rank = ranges.length;
  let total = 1;
  for (const r of ranges) total *= r.count;
  if (total === 0) return;
  let base = 0;
  for (let a = 0; a < rank; a++) base += ranges[a]!.start * x.strides[a]!;
  const step = ranges.map((r, a) => r.step * x.strides[a]!);
  const idx = new Array<number>(rank).fill(0);
  let off = base;
  for (let i = 0; i < total; i++) {
    visit(off, i);
    for (let a = rank - 1; a >= 0; a--) {
      idx[a]!++;
      off += step[a]!;
      if (idx[a]! < ranges[a]!.count) break;
      off -= step[a]! * idx[a]!;
      idx[a] = 0;
    }
  }
}
