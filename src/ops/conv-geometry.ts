/**
 * Geometry shared by conv2d and its two gradient ops (Theano 1.0's abstract_conv rules): option normalisation,
 * padding per border mode, output sizes, static-shape refinement from shape hints, and the checks with their
 * messages ("conv2d: <what is wrong>: <variables by name and shape>").
 */
import { isFloat } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import type { Variable } from '../ir/variable.js';
import { Constant } from '../ir/variable.js';
import { ShapeError, TypeMismatchError } from '../util/errors.js';
import { formatShape } from '../util/shape.js';
import { atCallSite, describeValue, showValue } from '../ir/validate.js';

/** 'valid' (no padding), 'full' (f - 1), 'half' (floor(f / 2)), or explicit zero padding [rows, cols]. */
export type BorderMode = 'valid' | 'full' | 'half' | readonly [number, number];

/** What the user may pass as `borderMode`: also a single integer (the same padding on both axes). */
export type BorderModeOption = 'valid' | 'full' | 'half' | number | readonly [number, number];

/** A static shape hint: four entries, each a size or null (unknown). */
export type ShapeHint = readonly (number | null)[];

/** The parameters every op of the conv2d family carries (Theano's imshp, kshp, border_mode, subsample, filter_flip). */
export interface ConvParams {
  readonly borderMode: BorderMode;
  readonly subsample: readonly [number, number];
  readonly filterFlip: boolean;
  /** Static hint for the input's shape (batch, channels, rows, cols), or null. */
  readonly inputShape: ShapeHint | null;
  /** Static hint for the filters' shape (outChannels, inChannels, rows, cols), or null. */
  readonly filterShape: ShapeHint | null;
}

export interface ConvOptions {
  inputShape?: ShapeHint | null;
  filterShape?: ShapeHint | null;
  borderMode?: BorderModeOption;
  subsample?: readonly [number, number];
  filterFlip?: boolean;
}

const isNonNegInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Validates and normalises user options; an integer or (0, 0) border mode becomes a pair or 'valid', as in Theano. */
export function normalizeConvOptions(opts: ConvOptions = {}): ConvParams {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new TypeMismatchError(
      `conv2d: options must be an object such as { borderMode: 'valid', subsample: [1, 1] }; got ${describeValue(opts)}.${atCallSite()}`,
    );
  }
  const bm = opts.borderMode ?? 'valid';
  let borderMode: BorderMode;
  if (bm === 'valid' || bm === 'full' || bm === 'half') borderMode = bm;
  else if (isNonNegInt(bm)) borderMode = [bm, bm];
  else if (Array.isArray(bm) && bm.length === 2 && bm.every(isNonNegInt)) borderMode = [bm[0]!, bm[1]!];
  else {
    throw new TypeMismatchError(
      `conv2d: borderMode must be 'valid', 'full', 'half', a non-negative integer or a pair of them [rows, cols]; got ${showValue(bm)}.${atCallSite()}`,
    );
  }
  if (typeof borderMode !== 'string' && borderMode[0] === 0 && borderMode[1] === 0) borderMode = 'valid';

  const ss = opts.subsample ?? [1, 1];
  if (!Array.isArray(ss) || ss.length !== 2 || !ss.every((s) => isNonNegInt(s) && s > 0)) {
    throw new TypeMismatchError(`conv2d: subsample must be a pair of positive integers [rows, cols]; got ${showValue(ss)}.${atCallSite()}`);
  }
  const filterFlip = opts.filterFlip ?? true;
  if (typeof filterFlip !== 'boolean') throw new TypeMismatchError(`conv2d: filterFlip must be true or false; got ${showValue(filterFlip)}.${atCallSite()}`);
  return {
    borderMode,
    subsample: [ss[0]!, ss[1]!],
    filterFlip,
    inputShape: normalizeHint(opts.inputShape, 'inputShape'),
    filterShape: normalizeHint(opts.filterShape, 'filterShape'),
  };
}

function normalizeHint(hint: ShapeHint | null | undefined, what: string): ShapeHint | null {
  if (hint === undefined || hint === null) return null;
  if (!Array.isArray(hint) || hint.length !== 4 || !hint.every((d) => d === null || isNonNegInt(d))) {
    throw new TypeMismatchError(`conv2d: ${what} must have four entries, each a non-negative integer or null; got ${showValue(hint)}.${atCallSite()}`);
  }
  return hint.every((d) => d === null) ? null : Object.freeze(hint.slice());
}

/** Params as ops print them: conv2d{borderMode=valid,subsample=(1,1),filterFlip=true}. */
export function paramsRecord(p: ConvParams): Record<string, unknown> {
  const hint = (h: ShapeHint | null): unknown => (h ? h.map((d) => d ?? '?') : undefined);
  return {
    borderMode: typeof p.borderMode === 'string' ? p.borderMode : p.borderMode.slice(),
    subsample: p.subsample.slice(),
    filterFlip: p.filterFlip,
    inputShape: hint(p.inputShape),
    filterShape: hint(p.filterShape),
  };
}

/** Zero padding on one spatial axis (0 rows, 1 cols) for a filter of size f. */
export function padFor(mode: BorderMode, axis: 0 | 1, f: number): number {
  if (mode === 'valid') return 0;
  if (mode === 'full') return f - 1;
  if (mode === 'half') return Math.floor(f / 2);
  return mode[axis];
}

/** floor((n + 2 pad - f) / stride) + 1; below 1 when the filter does not fit in the padded input. */
export function convOutSize(n: number, f: number, pad: number, stride: number): number {
  return Math.floor((n + 2 * pad - f) / stride) + 1;
}

/** The size along one spatial axis, known when both sizes are known. */
export function staticOutSize(n: number | null, f: number | null, p: ConvParams, axis: 0 | 1): number | null {
  if (n === null || f === null) return null;
  return convOutSize(n, f, padFor(p.borderMode, axis, f), p.subsample[axis]);
}

import type { ConvGeometry } from '../ir/op.js';
export type { ConvGeometry };

export function geometry(p: ConvParams, batch: number, inC: number, inR: number, inW: number, outC: number, fR: number, fW: number): ConvGeometry {
  const padR = padFor(p.borderMode, 0, fR);
  const padW = padFor(p.borderMode, 1, fW);
  const [strideR, strideW] = p.subsample;
  return {
    batch,
    inC,
    inR,
    inW,
    outC,
    fR,
    fW,
    padR,
    padW,
    strideR,
    strideW,
    outR: convOutSize(inR, fR, padR, strideR),
    outW: convOutSize(inW, fW, padW, strideW),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Checks. `op` is the op's user-level name; `describe` names a variable with its static or run-time shape.

const ROLE_LAYOUT: Record<string, string> = {
  'the input': '(batch, channels, rows, cols)',
  'the filters': '(outChannels, inChannels, rows, cols)',
  'the output gradient': '(batch, outChannels, rows, cols)',
};

/** Rank 4 and a float dtype, else a TypeMismatchError naming the variable. */
export function checkRank4(op: string, v: Variable, role: keyof typeof ROLE_LAYOUT): void {
  if (v.ndim !== 4) throw new TypeMismatchError(`${op}: ${role} must be a 4-d tensor ${ROLE_LAYOUT[role]}; got ${v.describe()}`);
  if (!isFloat(v.dtype)) throw new TypeMismatchError(`${op}: ${role} must be float32 or float64; got ${v.describe()}`);
}

export function checkIntScalar(op: string, v: Variable, what: string): void {
  if (v.ndim !== 0 || isFloat(v.dtype)) throw new TypeMismatchError(`${op}: ${what} must be an int scalar; got ${v.describe()}`);
}

/** The value of a constant int scalar, else null. */
export function constValue(v: Variable): number | null {
  return v instanceof Constant ? v.value.item() : null;
}

/** A variable's static shape with the hint's entries filled in; a contradiction is a ShapeError. */
export function refineWithHint(op: string, v: Variable, hint: ShapeHint | null, hintName: string): (number | null)[] {
  const s = v.type.shape.slice();
  if (!hint) return s;
  for (let a = 0; a < 4; a++) {
    const h = hint[a]!;
    if (h === null) continue;
    if (s[a] !== null && s[a] !== h) {
      throw new ShapeError(`${op}: ${hintName} ${formatShape(hint)} does not match ${v.describe()} on axis ${a}`);
    }
    s[a] = h;
  }
  return s;
}

/** Run time: the actual shape must agree with the hint on every given entry. */
export function checkHintRuntime(op: string, hint: ShapeHint | null, hintName: string, shape: readonly number[], v: Variable, site: string): void {
  if (!hint) return;
  for (let a = 0; a < 4; a++) {
    const h = hint[a];
    if (h !== null && h !== shape[a]) {
      throw new ShapeError(`${op}: ${hintName} ${formatShape(hint)} does not match ${v.describeWithShape(shape)} on axis ${a}.${site}`);
    }
  }
}

/**
 * The filter must fit in the padded input (Theano requires output sizes > 0): n + 2 pad >= f on each axis.
 * `what` names the operands, e.g. "'x' (…) and 'w' (…)"; `site` is " Created at …" or "".
 */
export function checkFits(op: string, axis: 0 | 1, n: number | null, f: number | null, pad: number, what: () => string, site = ''): void {
  const axisName = axis === 0 ? 'rows' : 'cols';
  if ((n !== null && n < 1) || (f !== null && f < 1)) {
    throw new ShapeError(
      `${op}: the input and the filters need at least one of each spatial size (${axisName}: input ${n ?? '?'}, filter ${f ?? '?'}): ${what()}.${site}`,
    );
  }
  if (n === null || f === null || n + 2 * pad >= f) return;
  throw new ShapeError(`${op}: the filters are larger than the padded input (${axisName}: filter ${f} > input ${n} + 2 * padding ${pad}): ${what()}.${site}`);
}

/** A variable for a static message, with the hint that refined its shape: "'x' (float32 tensor4) with inputShape (?, 1, 28, 28)". */
export function describeStatic(v: Variable, hint: ShapeHint | null, hintName: string): string {
  return hint ? `${v.describe()} with ${hintName} ${formatShape(hint)}` : v.describe();
}

/** Reads an int scalar input at run time: a positive integer. */
export function runtimeSize(op: string, a: NDArray, what: string, site: string): number {
  const n = a.item();
  if (!Number.isInteger(n) || n < 1) throw new ShapeError(`${op}: ${what} must be a positive integer; got ${n}.${site}`);
  return n;
}
