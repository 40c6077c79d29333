/**
 * The parameter file format, as pure functions (bytes in, bytes out; no I/O, so they run in a browser too).
 * Version 1:
 *   0   "TSANO\0"                 magic
 *   6   u32 LE                    format version
 *   10  u32 LE                    header length H
 *   14  32 bytes                  SHA-256 of the header
 *   46  H bytes                   header, UTF-8 JSON: { params: [{ name, dtype, shape, offset, bytes }],
 *                                   payloadBytes, sha256 (of the payload, hex), meta }
 *   then zeros up to a multiple of 8, then the payload: each array's elements as little-endian bytes at its
 *   offset (a multiple of 8, so a reader can map arrays in place), zeros between arrays.
 * The header has its own checksum so that a flipped byte in `meta` or a shape is caught, not just in the payload.
 */
import { DTYPES, allocArray, type DType, type TypedArray } from '../ir/dtype.js';
import { NDArray } from '../ir/ndarray.js';
import { formatShape } from '../util/shape.js';
import { FormatError, TsanoError } from '../util/errors.js';

export const PARAM_FORMAT_VERSION = 1;
const MAGIC = [0x54, 0x53, 0x41, 0x4e, 0x4f, 0x00]; // "TSANO\0"
const PRELUDE = 46;
const ITEM: Record<DType, number> = { float32: 4, float64: 8, int32: 4, uint8: 1, bool: 1 };
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface ParamFile {
  params: Record<string, NDArray>;
  meta: unknown;
}

interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  offset: number;
  bytes: number;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Encodes named arrays and JSON `meta` as one parameter file. `op` prefixes error messages. */
export function encodeParams(params: Record<string, NDArray>, meta: unknown = null, op = 'encodeParams'): Uint8Array {
  const entries: Entry[] = [];
  let payloadBytes = 0;
  for (const [name, a] of Object.entries(params)) {
    if (!(a instanceof NDArray)) throw new TsanoError(`${op}: parameter '${name}' is not an NDArray; got ${describeValue(a)}`);
    entries.push({ name, dtype: a.dtype, shape: [...a.shape], offset: payloadBytes, bytes: a.data.byteLength });
    payloadBytes = align8(payloadBytes + a.data.byteLength);
  }
  const jsonHint = 'keep meta to plain objects, arrays, strings, numbers, booleans and null';
  let metaJson: string | undefined;
  try {
    metaJson = JSON.stringify(meta ?? null);
  } catch (e) {
    throw new TsanoError(`${op}: meta cannot be written as JSON; ${(e as Error).message}; ${jsonHint}`);
  }
  // A function or symbol stringifies to nothing at all, which would leave the header without a value.
  if (metaJson === undefined) throw new TsanoError(`${op}: meta cannot be written as JSON; it is a ${typeof meta}; ${jsonHint}`);
  // The header holds the payload's hash, which is a fixed 64 hex digits: lay the file out with a placeholder,
  // write the arrays straight into it, then hash them (one buffer of the file's size, not two).
  const headerText = (sum: string): Uint8Array =>
    new TextEncoder().encode(`{"params":${JSON.stringify(entries)},"payloadBytes":${payloadBytes},"sha256":"${sum}","meta":${metaJson}}`);
  const headerLength = headerText('0'.repeat(64)).length;
  const payloadStart = align8(PRELUDE + headerLength);
  const out = new Uint8Array(payloadStart + payloadBytes);
  const values = Object.values(params);
  entries.forEach((e, k) => writeLE(out, payloadStart + e.offset, values[k]!.data));
  const header = headerText(hex(sha256(out.subarray(payloadStart))));
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint32(6, PARAM_FORMAT_VERSION, true);
  dv.setUint32(10, header.length, true);
  out.set(sha256(header), 14);
  out.set(header, PRELUDE);
  return out;
}

/**
 * Decodes a parameter file, checking in order: magic, version, length, header checksum, header syntax, sizes,
 * payload checksum. Each failure is a FormatError naming the check and `source` (the file, for messages).
 */
export function decodeParams(bytes: Uint8Array, source = 'the bytes', op = 'decodeParams'): ParamFile {
  const fail = (check: string, details: string, hint: string): never => {
    throw new FormatError(`${op}: ${check} in '${source}' (${details}); ${hint}`);
  };
  const n = bytes.length;
  if (MAGIC.some((m, i) => i < n && bytes[i] !== m)) {
    fail(
      'wrong magic',
      `it starts with ${JSON.stringify(String.fromCharCode(...bytes.subarray(0, 6)))}, expected "TSANO\\0"`,
      'it is not a tsano parameter file',
    );
  }
  if (n < PRELUDE) fail('truncated file', `${n} bytes, fewer than the ${PRELUDE} of the fixed prelude`, 'the write was cut short or the copy is incomplete');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, n);
  const version = dv.getUint32(6, true);
  if (version !== PARAM_FORMAT_VERSION) {
    fail(
      'unknown format version',
      `version ${version}; this tsano reads version ${PARAM_FORMAT_VERSION}`,
      version > PARAM_FORMAT_VERSION ? 'it was saved by a newer tsano: upgrade to load it' : 'the file is corrupted',
    );
  }
  const headerLength = dv.getUint32(10, true);
  if (n < PRELUDE + headerLength)
    fail('truncated file', `${n} bytes, but its header alone ends at byte ${PRELUDE + headerLength}`, 'the write was cut short or the copy is incomplete');
  const header = bytes.subarray(PRELUDE, PRELUDE + headerLength);
  const headerSum = hex(sha256(header));
  if (headerSum !== hex(bytes.subarray(14, PRELUDE)))
    fail('header checksum mismatch', `expected ${hex(bytes.subarray(14, PRELUDE))}, found ${headerSum}`, 'the file is corrupted');
  let h: unknown;
  try {
    h = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(header));
  } catch (e) {
    fail('header does not parse', (e as Error).message, 'the file is corrupted or was not written by tsano');
  }
  const bad = (what: string): never => fail('header does not parse', what, 'the file is corrupted or was not written by tsano');
  if (!isObject(h) || !Array.isArray(h['params']) || !isCount(h['payloadBytes']) || typeof h['sha256'] !== 'string')
    bad('missing params, payloadBytes or sha256');
  const hdr = h as { params: unknown[]; payloadBytes: number; sha256: string; meta?: unknown };
  const entries = hdr.params.map((e, k): Entry => {
    if (
      !isObject(e) ||
      typeof e['name'] !== 'string' ||
      !DTYPES.includes(e['dtype'] as DType) ||
      !Array.isArray(e['shape']) ||
      !e['shape'].every(isCount) ||
      !isCount(e['offset']) ||
      !isCount(e['bytes'])
    ) {
      return bad(`entry ${k} is not { name, dtype, shape, offset, bytes }`);
    }
    return e as unknown as Entry;
  });
  const payloadStart = align8(PRELUDE + headerLength);
  const seen = new Set<string>();
  let end = 0;
  for (const e of entries) {
    const need = e.shape.reduce((a, d) => a * d, 1) * ITEM[e.dtype];
    const where = `parameter '${e.name}' (${e.dtype}, shape ${formatShape(e.shape)})`;
    if (seen.has(e.name)) fail('sizes do not add up', `${where} appears twice`, 'the file is corrupted');
    seen.add(e.name);
    if (e.bytes !== need) fail('sizes do not add up', `${where} has ${e.bytes} bytes, but its shape needs ${need}`, 'the file is corrupted');
    if (e.offset < end || e.offset + e.bytes > hdr.payloadBytes) {
      fail(
        'sizes do not add up',
        `${where} lies at bytes ${e.offset}..${e.offset + e.bytes} of a ${hdr.payloadBytes}-byte payload, overlapping the previous one or past the end`,
        'the file is corrupted',
      );
    }
    end = e.offset + e.bytes;
  }
  const total = payloadStart + hdr.payloadBytes;
  if (n < total) fail('truncated file', `${n} bytes, but its header says ${total}`, 'the write was cut short or the copy is incomplete');
  if (n > total) fail('sizes do not add up', `${n} bytes, but its header says ${total}`, 'something was appended to the file or it is corrupted');
  const payload = bytes.subarray(payloadStart, total);
  const sum = hex(sha256(payload));
  if (sum !== hdr.sha256) fail('checksum mismatch', `expected ${hdr.sha256}, found ${sum}`, 'the file is corrupted');
  const params = Object.fromEntries(entries.map((e) => [e.name, new NDArray(e.dtype, [...e.shape], readLE(payload, e))]));
  return { params, meta: hdr.meta ?? null };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
function describeValue(v: unknown): string {
  return v === null ? 'null' : typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : `a ${typeof v}`;
}

function writeLE(out: Uint8Array, offset: number, data: TypedArray): void {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return out.set(raw, offset);
  const w = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < raw.length; i += w) for (let b = 0; b < w; b++) out[offset + i + b] = raw[i + w - 1 - b]!;
}

function readLE(payload: Uint8Array, e: Entry): TypedArray {
  const w = ITEM[e.dtype];
  const data = allocArray(e.dtype, e.bytes / w);
  const raw = new Uint8Array(data.buffer);
  const src = payload.subarray(e.offset, e.offset + e.bytes);
  if (LITTLE_ENDIAN || w === 1) raw.set(src);
  else for (let i = 0; i < raw.length; i += w) for (let b = 0; b < w; b++) raw[i + b] = src[i + w - 1 - b]!;
  return data;
}

/** SHA-256: Node's native hash where there is one, else a plain-JS one (browsers' crypto.subtle is async only). */
export function sha256(data: Uint8Array): Uint8Array {
  const crypto = typeof process !== 'undefined' ? process.getBuiltinModule?.('node:crypto') : undefined;
  return crypto ? new Uint8Array(crypto.createHash('sha256').update(data).digest()) : sha256js(data);
}

const fracBits = (x: number): number => ((x - Math.floor(x)) * 2 ** 32) >>> 0;
// The constants are fractional bits of the first 64 primes' cube roots (8 square roots for H0), as the standard says.
const PRIMES: number[] = [];
for (let n = 2; PRIMES.length < 64; n++) if (PRIMES.every((p) => n % p !== 0)) PRIMES.push(n);
const K = Uint32Array.from(PRIMES.slice(0, 64), (p) => fracBits(Math.cbrt(p)));
const H0 = Uint32Array.from(PRIMES.slice(0, 8), (p) => fracBits(Math.sqrt(p)));

/** FIPS 180-4 SHA-256 in plain JS (exported for the test that compares it with node:crypto). */
export function sha256js(data: Uint8Array): Uint8Array {
  const H = H0.slice();
  const W = new Uint32Array(64);
  const rotr = (x: number, r: number): number => (x >>> r) | (x << (32 - r));
  const block = (dv: DataView, off: number): void => {
    for (let i = 0; i < 16; i++) W[i] = dv.getUint32(off + 4 * i);
    for (let i = 16; i < 64; i++) {
      const a = W[i - 15]!;
      const b = W[i - 2]!;
      W[i] = W[i - 16]! + (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + W[i - 7]! + (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10));
    }
    let a = H[0]!;
    let b = H[1]!;
    let c = H[2]!;
    let d = H[3]!;
    let e = H[4]!;
    let f = H[5]!;
    let g = H[6]!;
    let h = H[7]!;
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    // Uint32Array stores wrap modulo 2^32, as the algorithm wants.
    H[0] = H[0]! + a;
    H[1] = H[1]! + b;
    H[2] = H[2]! + c;
    H[3] = H[3]! + d;
    H[4] = H[4]! + e;
    H[5] = H[5]! + f;
    H[6] = H[6]! + g;
    H[7] = H[7]! + h;
  };
  const full = data.length - (data.length % 64);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let off = 0; off < full; off += 64) block(dv, off);
  // The tail, the 0x80 marker and the bit length (big-endian, 64 bits) fill one or two more blocks.
  const tail = new Uint8Array(data.length % 64 < 56 ? 64 : 128);
  tail.set(data.subarray(full));
  tail[data.length % 64] = 0x80;
  const tv = new DataView(tail.buffer);
  tv.setUint32(tail.length - 8, Math.floor(data.length / 2 ** 29));
  tv.setUint32(tail.length - 4, (data.length * 8) >>> 0);
  for (let off = 0; off < tail.length; off += 64) block(tv, off);
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  H.forEach((v, k) => ov.setUint32(4 * k, v));
  return out;
}
