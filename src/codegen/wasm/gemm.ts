import { buildGemmModule, type Binaryen, type GemmTile } from './gemm-builder.js';
import { compileEagerly, wasmApi, wasmSimdAvailable, type WasmMemory } from './detect.js';

export { wasmSimdAvailable } from './detect.js';
export type { Binaryen, GemmTile } from './gemm-builder.js';
export type { WasmMemory } from './detect.js';

export interface WasmGemmCall {
  transA?: boolean;
  transB?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0. As in BLAS, beta = 0 means C is not read (NaN or Inf already in C does not propagate). */
  beta?: number;
  /**
   * Pack B into nr-column panels before the product (always done for transB). 'auto' (default) packs when m is
   * large enough for the panels to be reused; false reads B in place with its row stride.
   */
  packB?: boolean | 'auto';
}

export interface WasmGemm {
  /**
   * C = beta·C + alpha·op(A)·op(B) in float32, row-major: op(A) is m×k (A stored k×m when transA), op(B) is k×n
   * (B stored n×k when transB), C m×n. Operands are copied into the module's memory, which grows as needed.
   */
  gemm(m: number, n: number, k: number, A: Float32Array, B: Float32Array, C: Float32Array, call?: WasmGemmCall): void;
  /** gemm on operands already in the module's memory (see InMemoryCall). */
  run(call: InMemoryCall): void;
  /** The module's memory as floats, grown to at least `floats` (a growth makes earlier views stale). */
  reserve(floats: number): Float32Array;
  /** Floats below this index are the kernels' own scratch: callers' regions start here. */
  readonly firstFreeFloat: number;
  /** The convolution kernels (conv-builder.ts), on byte addresses in the same memory. */
  convRows(...args: ConvRowsArgs): void;
  im2colTaps(...args: Im2colArgs): void;
  col2imTaps(...args: Col2imArgs): void;
  /** The module's WAT text (micro-kernels `strip`, `stripEdge`, packers `packB`, `packBT4`, `packBTScalar`, conv kernels). */
  wat(): string;
  readonly tile: Readonly<GemmTile>;
  /** The module's memory (grown by gemm; its buffer changes when it grows). */
  readonly memory: WasmMemory;
}

/** A product on operands in the module's memory; addresses and strides in bytes. */
export interface InMemoryCall {
  m: number;
  n: number;
  k: number;
  a: number;
  aRs: number;
  aKs: number;
  b: number;
  transB?: boolean;
  /** Where to pack B into panels (nP·k floats); without it B is read in place (not for transB). */
  pack?: number;
  c: number;
  ldc: number;
  alpha?: number;
  beta?: number;
}

type ConvRowsArgs = [w: number, x: number, xCs: number, xRs: number, nC: number, fR: number, fW: number, y: number, ldy: number, tiles: number, segs: number];
type Im2colArgs = [x: number, xCs: number, xRs: number, nC: number, fR: number, fW: number, outR: number, outW: number, dst: number, ldd: number];
type Col2imArgs = [src: number, lds: number, nC: number, fR: number, fW: number, outR: number, outW: number, img: number, xCs: number, xRs: number];

export interface WasmGemmOptions {
  /** Register tile, default 4 rows × 2 f32x4 (4×8): the best measured on this kind of machine. */
  tile?: GemmTile;
  /** k-block (rows of op(B) per panel pass, kept in L1), default 256. */
  kc?: number;
  /** m-block (rows of op(A) per pass, kept in L2), default 128. */
  mc?: number;
  /** Run binaryen's optimizer on the module (default true). */
  optimize?: boolean;
  /** m from which 'auto' packs B (default 64). */
  packFromM?: number;
}

/** The arguments of the strip micro-kernels: operand addresses and strides (bytes), sizes, alpha, beta, read C. */
type StripArgs = [
  a: number,
  aRs: number,
  aKs: number,
  b: number,
  bKs: number,
  kc: number,
  c: number,
  ldc: number,
  tiles: number,
  alpha: number,
  beta: number,
  readC: number,
];

interface Exports {
  memory: WasmMemory;
  strip(...args: StripArgs): void;
  /** The last, partial panel: `cols` columns of the tile. */
  stripEdge(...args: [...StripArgs, cols: number]): void;
  packB(src: number, dst: number, n: number, k: number, panels: number): void;
  packBT4(src: number, dst: number, n4: number, k: number, k4: number): void;
  packBTScalar(src: number, dst: number, n: number, k: number, j0: number, p0: number, p1: number): void;
  convRows(...args: ConvRowsArgs): void;
  im2colTaps(...args: Im2colArgs): void;
  col2imTaps(...args: Col2imArgs): void;
}

let binaryenModule: Promise<Binaryen> | undefined;

/** Loads binaryen (once; it takes a few hundred ms) and builds a GEMM module. */
export async function createWasmGemm(options: WasmGemmOptions = {}): Promise<WasmGemm> {
  binaryenModule ??= import('binaryen').then((m) => m.default);
  return createWasmGemmWith(await binaryenModule, options);
}

/** As createWasmGemm, with binaryen already loaded: synchronous. */
export function createWasmGemmWith(binaryen: Binaryen, options: WasmGemmOptions = {}): WasmGemm {
  if (!wasmSimdAvailable()) throw new Error('wasm gemm: this engine has no WebAssembly SIMD');
  const tile = checkTile(options.tile ?? { mr: 4, nv: 2 });
  return instantiateGemm(buildGemmModule(binaryen, tile, options.optimize ?? true), { ...options, tile });
}

function checkTile(tile: GemmTile): GemmTile {
  const { mr, nv } = tile;
  const nr = 4 * nv;
  if (!(mr >= 1 && nv >= 1 && Number.isInteger(mr) && Number.isInteger(nv) && (nr & (nr - 1)) === 0)) throw new RangeError(`wasm gemm: bad tile ${mr}×${nr}`);
  return tile;
}

/** A GEMM from a module built before (e.g. the bytes generated into gemm-binary.generated.ts): no binaryen needed. */
export function instantiateGemm(built: { binary: Uint8Array; wat: string }, options: WasmGemmOptions = {}): WasmGemm {
  const tile = checkTile(options.tile ?? { mr: 4, nv: 2 });
  const { mr, nv } = tile;
  const nr = 4 * nv;
  const KC = options.kc ?? 256;
  const MC = Math.max(mr, Math.floor((options.mc ?? 128) / mr) * mr);
  const packFromM = options.packFromM ?? 64;
  const instance = new wasmApi!.Instance(compileEagerly(built.binary), {});
  const ex = instance.exports as unknown as Exports;
  const memory = ex.memory;
  let f32 = new Float32Array(memory.buffer);

  const ensure = (bytes: number) => {
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
    if (f32.buffer !== memory.buffer) f32 = new Float32Array(memory.buffer);
  };
  /** Float offset of a region after `at` floats, 64-byte aligned. */
  const align = (at: number) => Math.ceil(at / 16) * 16;

  /** B stored n×k into panels: 4×4 blocks by SIMD, then the last k % 4 columns and n % 4 rows one by one. */
  function packTransposedB(src: number, dst: number, n: number, k: number): void {
    const n4 = n - (n % 4);
    const k4 = k - (k % 4);
    if (n4 > 0 && k4 > 0) ex.packBT4(src, dst, n4, k, k4);
    if (k4 < k) ex.packBTScalar(src, dst, n, k, 0, k4, k);
    if (n4 < n && k4 > 0) ex.packBTScalar(src, dst, n, k, n4, 0, k4);
  }

  /**
   * C = beta·C + alpha·op(A)·op(B) on operands in the module's memory (byte addresses): op(A)[i, p] at
   * a + i·aRs + p·aKs, B contiguous (k×n, or n×k when transB), C with row stride ldc. Packs B into `pack` when
   * given (always for transB). C's rows are written in tiles of mr: rows up to ceil(m/mr)·mr must be writable and
   * A's readable; a partial last panel goes through the scratch tile at address 0.
   */
  function run(at: InMemoryCall): void {
    const { m, n, k, a, aRs, aKs, b, transB = false, pack, c, ldc, alpha = 1, beta = 0 } = at;
    const nP = Math.ceil(n / nr) * nr;
    let bBase: number, bKs: number, panelStride: number;
    if (pack !== undefined) {
      if (transB) packTransposedB(b, pack, n, k);
      else ex.packB(b, pack, n, k, nP / nr);
      [bBase, bKs, panelStride] = [pack, 4 * nr, 4 * nr * k];
    } else {
      if (transB) throw new RangeError('wasm gemm: transB needs a packing area');
      [bBase, bKs, panelStride] = [b, 4 * n, 4 * nr];
    }
    const full = Math.floor(n / nr);
    const cols = n - full * nr;
    const readC = beta !== 0;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const [betaNow, read] = pc === 0 ? [beta, readC ? 1 : 0] : [1, 1];
      for (let ic = 0; ic < m; ic += MC) {
        const tiles = Math.ceil(Math.min(MC, m - ic) / mr);
        const ap = a + ic * aRs + pc * aKs;
        const cp = c + ic * ldc;
        for (let jp = 0; jp < full; jp++)
          ex.strip(ap, aRs, aKs, bBase + jp * panelStride + pc * bKs, bKs, kc, cp + 4 * jp * nr, ldc, tiles, alpha, betaNow, read);
        if (cols > 0) ex.stripEdge(ap, aRs, aKs, bBase + full * panelStride + pc * bKs, bKs, kc, cp + 4 * full * nr, ldc, tiles, alpha, betaNow, read, cols);
      }
    }
  }

  function gemm(m: number, n: number, k: number, A: Float32Array, B: Float32Array, C: Float32Array, call: WasmGemmCall = {}): void {
    const { transA = false, transB = false, alpha = 1, beta = 0 } = call;
    for (const [name, v] of [
      ['m', m],
      ['n', n],
      ['k', k],
    ] as const) {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`wasm gemm: ${name} = ${v} is not a size`);
    }
    if (A.length < m * k || B.length < k * n || C.length < m * n) {
      throw new RangeError(`wasm gemm: operands too short for m=${m} n=${n} k=${k} (A ${A.length}, B ${B.length}, C ${C.length})`);
    }
    if (m === 0 || n === 0) return;
    if (k === 0) {
      for (let i = 0; i < m * n; i++) C[i] = beta === 0 ? 0 : Math.fround(beta * C[i]!);
      return;
    }
    const mP = Math.ceil(m / mr) * mr;
    const nP = Math.ceil(n / nr) * nr;
    const pack = transB || (call.packB ?? 'auto') === true || (call.packB !== false && m >= packFromM);
    // Layout (floats): the edge tile's scratch, A with room for the padding rows' reads, B with one panel's width
    // of slack, packed B, C with room for the padding rows' writes.
    const aOff = align(mr * nr);
    const bOff = align(aOff + Math.max(mP * k, k * m + mr));
    const pOff = align(bOff + k * n + nr);
    const cOff = align(pOff + (pack ? nP * k : 0));
    ensure(4 * (cOff + mP * n));
    f32.set(m * k === A.length ? A : A.subarray(0, m * k), aOff);
    f32.set(k * n === B.length ? B : B.subarray(0, k * n), bOff);
    if (beta !== 0) f32.set(m * n === C.length ? C : C.subarray(0, m * n), cOff);
    const [aRs, aKs] = transA ? [4, 4 * m] : [4 * k, 4];
    run({ m, n, k, a: 4 * aOff, aRs, aKs, b: 4 * bOff, transB, pack: pack ? 4 * pOff : undefined, c: 4 * cOff, ldc: 4 * n, alpha, beta });
    C.set(f32.subarray(cOff, cOff + m * n));
  }

  /** The module's memory as floats, at least `floats` long (growing it; views taken before a growth are stale). */
  function reserve(floats: number): Float32Array {
    ensure(4 * floats);
    return f32;
  }

  return {
    gemm,
    run,
    reserve,
    firstFreeFloat: align(mr * nr),
    convRows: ex.convRows,
    im2colTaps: ex.im2colTaps,
    col2imTaps: ex.col2imTaps,
    wat: () => built.wat,
    tile: { mr, nv },
    memory,
  };
}
