/**
 * Checks of what users pass to constructors and builders (dtypes, shapes, sizes), and a safe way to show any JS
 * value in a message: errors about junk arguments must never throw themselves (symbols, BigInts, cycles).
 */
import { DTYPES, type DType } from './dtype.js';
import { DTypeError, ShapeError } from '../util/errors.js';
import { userCallSite } from '../util/site.js';

/** " Created at file:line." for the user's line that is calling into tsano now, or "" (for errors raised before a node exists). */
export function atCallSite(): string {
  const site = userCallSite();
  return site ? ` Created at ${site}.` : '';
}

/** The most elements one array may have: index arithmetic stays in int32, as shapes do. */
export const MAX_ELEMENTS = 2 ** 31 - 1;
/** The highest rank a tensor may have (NumPy's limit). */
export const MAX_RANK = 32;

/** A short, safe description of any value: "the string 'a'", "undefined", "an object {shape: …}", "NaN". */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return String(v);
    case 'boolean':
      return String(v);
    case 'bigint':
      return `the bigint ${v}n`;
    case 'string':
      return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
    case 'symbol':
      return `the symbol ${v.toString()}`;
    case 'function':
      return `a function${v.name ? ` (${v.name})` : ''}`;
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}${v.length <= 6 ? ` [${v.map(short).join(', ')}]` : ''}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}${'length' in v ? ` of length ${(v as { length: number }).length}` : ''}`;
  const ctor = (v as object).constructor?.name;
  if (ctor && ctor !== 'Object') return `a ${ctor}`;
  const keys = Object.keys(v as object);
  return keys.length ? `an object with keys ${keys.slice(0, 5).join(', ')}` : 'an empty object {}';
}

/**
 * A value as the user wrote it, JSON-like (`[0,1]`, `"same"`, `NaN`), for options; anything that is not
 * numbers, strings, booleans, null or (short) arrays of them falls back to describeValue.
 */
export function showValue(v: unknown, depth = 0): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v) && v.length <= 8 && depth < 3) return `[${v.map((x) => showValue(x, depth + 1)).join(',')}]`;
  return describeValue(v);
}

function short(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v.slice(0, 10));
  if (Array.isArray(v)) return `[…${v.length}]`;
  return typeof v === 'bigint'
    ? `${v}n`
    : typeof v === 'symbol'
      ? v.toString()
      : typeof v === 'function'
        ? 'function'
        : ((v as object).constructor?.name ?? 'object');
}

/** A valid dtype name, else a DTypeError for `where` that lists the valid ones. */
export function checkDType(d: unknown, where: string): DType {
  if (typeof d === 'string' && (DTYPES as readonly string[]).includes(d)) return d as DType;
  const hint =
    d === 'int64' || d === 'int16' || d === 'int8'
      ? " (tsano's integers are int32: JavaScript has no fast 64-bit integers)"
      : d === 'float16'
        ? ' (use float32)'
        : '';
  const shown = typeof d === 'string' ? `'${d.length > 40 ? `${d.slice(0, 40)}…` : d}'` : describeValue(d);
  throw new DTypeError(`${where}: unknown dtype ${shown}; valid dtypes are ${[...DTYPES].reverse().join(', ')}${hint}.${atCallSite()}`);
}

/** A rank: an integer 0..MAX_RANK. */
export function checkRank(r: unknown, where: string): number {
  if (typeof r === 'number' && Number.isInteger(r) && r >= 0 && r <= MAX_RANK) return r;
  throw new ShapeError(`${where}: the rank must be an integer from 0 to ${MAX_RANK}; got ${describeValue(r)}`);
}

const isSize = (d: unknown): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= MAX_ELEMENTS;

/** A static shape: an array of sizes (non-negative integers) or null (unknown), at most MAX_RANK long. */
export function checkStaticShape(shape: unknown, where: string): (number | null)[] {
  if (Array.isArray(shape) && shape.length <= MAX_RANK && shape.every((d) => d === null || isSize(d))) return shape.slice();
  throw new ShapeError(
    `${where}: a shape must be an array of at most ${MAX_RANK} sizes, each a non-negative integer or null (unknown); got ${describeValue(shape)}`,
  );
}

/** A concrete shape whose element count fits in an array. */
export function checkShape(shape: unknown, where: string): number[] {
  // Each size a non-negative integer; a product too large for an array is reported by checkSize below.
  const isDim = (d: unknown): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= MAX_ELEMENTS;
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every(isDim)) {
    throw new ShapeError(`${where}: a shape must be an array of at most ${MAX_RANK} integers from 0 to ${MAX_ELEMENTS}; got ${describeValue(shape)}`);
  }
  checkSize(
    shape.reduce((a, b) => a * b, 1),
    where,
    shape,
  );
  return shape.slice();
}

/** An element count that an array can hold. */
export function checkSize(n: number, where: string, shape?: readonly number[]): number {
  if (Number.isInteger(n) && n >= 0 && n <= MAX_ELEMENTS) return n;
  const of = shape ? ` of shape (${shape.join(', ')})` : '';
  throw new ShapeError(`${where}: an array${of} would have ${n} elements; at most ${MAX_ELEMENTS} are possible`);
}
