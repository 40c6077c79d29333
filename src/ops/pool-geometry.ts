/**
 * Window geometry of 2-D pooling (Theano 1.0's theano.tensor.signal.pool.Pool), shared by the forward op, its
 * gradient op and the max-pool grad-of-grad op: option checking, output sizes (Pool.out_shape) and, per axis,
 * each output position's window clipped to the real (unpadded) input, with the divisor that the averaging
 * modes use.
 */
import type { NDArray } from '../ir/ndarray.js';
import type { Apply, Variable } from '../ir/variable.js';
import { ShapeError, TypeMismatchError } from '../util/errors.js';
import { formatShape } from '../util/shape.js';
import { atCallSite, describeValue, showValue } from '../ir/validate.js';

export type PoolMode = 'max' | 'sum' | 'averageIncPad' | 'averageExcPad' | 'l2';
export const POOL_MODES: readonly PoolMode[] = ['max', 'sum', 'averageIncPad', 'averageExcPad', 'l2'];

/** Theano's snake_case spellings, for a hint when someone writes them. */
const THEANO_SPELLINGS: Readonly<Record<string, PoolMode>> = {
  average_inc_pad: 'averageIncPad',
  average_exc_pad: 'averageExcPad',
  max_deterministic: 'max',
};

/** What users pass (T.signal.maxPool2d). A number for ws, stride or pad means the same value on both axes. */
export interface Pool2dOptions {
  ws?: number | readonly number[];
  ignoreBorder?: boolean;
  stride?: number | readonly number[];
  pad?: number | readonly number[];
  /** A PoolMode; any other string is reported (with the valid ones) when the op is applied. */
  mode?: PoolMode | (string & {});
}

/** The resolved parameters an op carries (not yet checked: `checkPoolParams` does that, naming the input). */
export interface PoolParams {
  readonly ws: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly pad: readonly [number, number];
  readonly ignoreBorder: boolean;
  readonly mode: string;
}

/** Applies the defaults (ws (2, 2), stride = ws, pad (0, 0), ignoreBorder true, mode 'max'). */
export function resolvePoolOptions(opts: Pool2dOptions = {}): PoolParams {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new TypeMismatchError(`maxPool2d: options must be an object such as { ws: [2, 2] }; got ${describeValue(opts)}.${atCallSite()}`);
  }
  const pair = (v: number | readonly number[] | undefined, dflt: readonly [number, number]): readonly [number, number] => {
    if (v === undefined) return dflt;
    if (typeof v === 'number') return [v, v];
    // Anything else is reported by checkPoolParams, which names the input.
    if (!Array.isArray(v)) return v as unknown as readonly [number, number];
    // A copy (the user may reuse the array); a length other than 2 is reported by checkPoolParams.
    return [...v] as unknown as readonly [number, number];
  };
  const ws = pair(opts.ws, [2, 2]);
  return {
    ws,
    stride: pair(opts.stride, ws),
    pad: pair(opts.pad, [0, 0]),
    ignoreBorder: opts.ignoreBorder ?? true,
    mode: opts.mode ?? 'max',
  };
}

const fmtPair = (p: readonly number[]): string => (Array.isArray(p) && p.every((d) => typeof d === 'number') ? `(${p.join(', ')})` : showValue(p));

/** Throws when the options cannot work, whatever the input's sizes; `x` is named in the message. */
export function checkPoolParams(p: PoolParams, x: Variable): void {
  const who = `input ${x.describe()}`;
  if (!(POOL_MODES as readonly string[]).includes(p.mode)) {
    const hint = typeof p.mode === 'string' && Object.hasOwn(THEANO_SPELLINGS, p.mode) ? ` (Theano's '${p.mode}' is '${THEANO_SPELLINGS[p.mode]}' here)` : '';
    throw new TypeMismatchError(
      `maxPool2d: unknown mode ${typeof p.mode === 'string' ? `'${p.mode}'` : showValue(p.mode)}${hint}; valid modes are ${POOL_MODES.map((m) => `'${m}'`).join(', ')}: ${who}`,
    );
  }
  const isInts = (v: readonly number[], min: number): boolean => Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d) && d >= min);
  if (!isInts(p.ws, 1)) throw new TypeMismatchError(`maxPool2d: ws must be two positive integers; got ${fmtPair(p.ws)}: ${who}`);
  if (!isInts(p.stride, 1)) throw new TypeMismatchError(`maxPool2d: stride must be two positive integers; got ${fmtPair(p.stride)}: ${who}`);
  if (!isInts(p.pad, 0)) throw new TypeMismatchError(`maxPool2d: pad must be two non-negative integers; got ${fmtPair(p.pad)}: ${who}`);
  if (typeof p.ignoreBorder !== 'boolean')
    throw new TypeMismatchError(`maxPool2d: ignoreBorder must be true or false; got ${showValue(p.ignoreBorder)}: ${who}`);
  if ((p.pad[0] !== 0 || p.pad[1] !== 0) && !p.ignoreBorder) {
    throw new ShapeError(`maxPool2d: padding works only with ignoreBorder true (as in Theano); got pad ${fmtPair(p.pad)} with ignoreBorder false: ${who}`);
  }
  if (p.pad[0] >= p.ws[0] || p.pad[1] >= p.ws[1]) {
    throw new ShapeError(`maxPool2d: padding must be smaller than the window; got pad ${fmtPair(p.pad)} for ws ${fmtPair(p.ws)}: ${who}`);
  }
}

/**
 * Theano's Pool.out_shape on one axis of size n (before padding). With ignoreBorder, only whole windows of
 * the padded axis count; without it, a last partial window is kept as long as it adds an element that no
 * earlier window covered. Returns -1 where Theano would give an empty output (a window longer than the padded
 * axis with ignoreBorder true), which tsano reports as an error.
 */
export function pooledLength(n: number, ws: number, stride: number, pad: number, ignoreBorder: boolean): number {
  const len = n + 2 * pad;
  if (ignoreBorder) return len < ws ? -1 : Math.floor((len - ws) / stride) + 1;
  if (stride >= ws) return Math.floor((len - 1) / stride) + 1;
  return Math.max(0, Math.floor((len - 1 - ws + stride) / stride)) + 1;
}

/** Output sizes of the last two axes from the input's, or an explanation of why there are none. */
export function pooledShape(h: number, w: number, p: PoolParams): [number, number] | string {
  if (h === 0 || w === 0) return 'the image is empty';
  const oh = pooledLength(h, p.ws[0], p.stride[0], p.pad[0], p.ignoreBorder);
  const ow = pooledLength(w, p.ws[1], p.stride[1], p.pad[1], p.ignoreBorder);
  if (oh < 0 || ow < 0) {
    const padded = p.pad[0] || p.pad[1] ? ' padded' : '';
    return `the window ${fmtPair(p.ws)} is larger than the${padded} image (${h + 2 * p.pad[0]}, ${w + 2 * p.pad[1]}) with ignoreBorder true (pass ignoreBorder: false to pool partial windows)`;
  }
  return [oh, ow];
}

/** Static output shape: leading axes kept, the last two pooled where known. Throws on a known bad size. */
export function inferPooledShape(x: Variable, p: PoolParams): (number | null)[] {
  const s = x.type.shape;
  const h = s[s.length - 2]!;
  const w = s[s.length - 1]!;
  let tail: (number | null)[];
  if (h !== null && w !== null) {
    const r = pooledShape(h, w, p);
    if (typeof r === 'string') throw new ShapeError(`maxPool2d: ${r}: input ${x.describe()}`);
    tail = r;
  } else {
    // One known axis still gives its own size.
    const one = (n: number | null, k: 0 | 1): number | null => {
      if (n === null) return null;
      if (n === 0) throw new ShapeError(`maxPool2d: the image is empty: input ${x.describe()}`);
      const len = pooledLength(n, p.ws[k], p.stride[k], p.pad[k], p.ignoreBorder);
      if (len < 0)
        throw new ShapeError(
          `maxPool2d: the window ${fmtPair(p.ws)} is larger than the${p.pad[k] ? ' padded' : ''} image on axis ${s.length - 2 + k} (${n + 2 * p.pad[k]}) with ignoreBorder true: input ${x.describe()}`,
        );
      return len;
    };
    tail = [one(h, 0), one(w, 1)];
  }
  return [...s.slice(0, -2), ...tail];
}

/**
 * One axis of the window table: for output position j, the real input range [start[j], end[j]) that its
 * window covers (padding excluded), and the count that averages divide by on this axis: the window's length
 * inside the padded axis for averageIncPad (ws except in a partial window at the end, which only exists
 * with ignoreBorder false), the real range's length otherwise.
 */
export interface AxisWindows {
  readonly length: number;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly count: Float64Array;
}

function axisWindows(n: number, out: number, ws: number, stride: number, pad: number, incPad: boolean): AxisWindows {
  const start = new Int32Array(out);
  const end = new Int32Array(out);
  const count = new Float64Array(out);
  const padded = n + 2 * pad;
  for (let j = 0; j < out; j++) {
    const s = j * stride; // in padded coordinates
    const e = Math.min(s + ws, padded);
    start[j] = Math.max(s, pad) - pad;
    end[j] = Math.min(e, n + pad) - pad;
    count[j] = incPad ? e - s : end[j]! - start[j]!;
  }
  return { length: out, start, end, count };
}

/** The window tables of one image size. */
export interface PoolGeometry {
  readonly h: number;
  readonly w: number;
  readonly rows: AxisWindows;
  readonly cols: AxisWindows;
  /** Product of the leading axes: the number of images. */
  planes: number;
  /**
   * Every window is a whole 2×2 block at an even row and column (ws = stride = (2, 2), no padding, no partial
   * window): each element lies in at most one window, which the fast kernels (pool2d-fast.ts) rely on.
   */
  readonly pairs: boolean;
}

/**
 * Keeps the tables of the last image size an op met, so steady-state calls build nothing: a compiled
 * function is specialised to its input shapes, so the size rarely changes.
 */
export class GeometryCache {
  private last: PoolGeometry | undefined;
  constructor(private readonly p: PoolParams) {}

  /**
   * The geometry for an input array (its last two axes), or a ShapeError naming `x` (by name and the actual
   * shape) and the node's creation site.
   */
  get(x: NDArray, node: Apply, inputIndex = 0): PoolGeometry {
    const nd = x.shape.length;
    const h = x.shape[nd - 2]!;
    const w = x.shape[nd - 1]!;
    let planes = 1;
    for (let a = 0; a < nd - 2; a++) planes *= x.shape[a]!;
    const g = this.last;
    if (g && g.h === h && g.w === w) {
      g.planes = planes;
      return g;
    }
    const r = pooledShape(h, w, this.p);
    if (typeof r === 'string') {
      throw new ShapeError(`maxPool2d: ${r}: input ${node.inputs[inputIndex]!.describeWithShape(x.shape)}.${node.outputs[0]!.createdAt()}`);
    }
    const incPad = this.p.mode === 'averageIncPad';
    const p = this.p;
    const pairs = [p.ws, p.stride].every(([a, b]) => a === 2 && b === 2) && p.pad[0] === 0 && p.pad[1] === 0 && r[0] === h >> 1 && r[1] === w >> 1;
    const made: PoolGeometry = {
      h,
      w,
      rows: axisWindows(h, r[0], p.ws[0], p.stride[0], p.pad[0], incPad),
      cols: axisWindows(w, r[1], p.ws[1], p.stride[1], p.pad[1], incPad),
      planes,
      pairs,
    };
    this.last = made;
    return made;
  }
}

/** Checks that a run-time array has the pooled shape of `x` (gradient ops receive z and gz from elsewhere). */
export function checkPooledInput(x: NDArray, g: PoolGeometry, other: NDArray, node: Apply, otherIndex: number, opName: string): void {
  const nd = x.shape.length;
  let ok = other.shape.length === nd && other.shape[nd - 2] === g.rows.length && other.shape[nd - 1] === g.cols.length;
  for (let a = 0; ok && a < nd - 2; a++) ok = other.shape[a] === x.shape[a];
  if (!ok) {
    const expected = [...x.shape.slice(0, -2), g.rows.length, g.cols.length];
    throw new ShapeError(
      `${opName}: ${node.inputs[otherIndex]!.describeWithShape(other.shape)} should have the pooled shape ${formatShape(expected)} of ${node.inputs[0]!.describeWithShape(x.shape)}.${node.outputs[0]!.createdAt()}`,
    );
  }
}
