import { buildGemmModule, type Binaryen, type GemmTile } from './gemm-builder.js';
import { compileEagerly, wasmApi, wasmSimdAvailable, type WasmMemory } from './detect.js';
import { MAX_PARTS, MIN_WORK_PER_THREAD, WorkerTeam, type KernelCalls } from './threads.js';
import { WasmHeap } from './heap.js';

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
  /** gemm on operands already in the module's memory (see InMemoryCall), split over threads when large. */
  run(call: InMemoryCall): void;
  /** Runs work(t, kernels, count) for each of `count` parts (at most want, one per thread) and waits for all. */
  parallel(work: (t: number, kernels: ThreadKernels, count: number) => void, want?: number): void;
  /** How many threads parallel() uses now. */
  threads(): number;
  /** How many recorded lists worker threads have run (the rest were taken over by the calling thread). */
  listsRunByWorkers(): number;
  /** The module's memory as floats, grown to at least `floats` (a growth makes earlier views stale). */
  reserve(floats: number): Float32Array;
  /** How many gemm() calls found all operands in the heap, and how many copied them in and out. */
  readonly stats: { inPlace: number; copied: number };
  /** Float32 arrays in the module's memory that kernels use in place (over a shared memory only). */
  readonly heap: WasmHeap | undefined;
  /** The first float of one call's work space (past the edge tiles' scratch and the heap): callers' regions start here. */
  workspaceStart(): number;
  /** The kernels that return values, on this thread. */
  readonly direct: DirectKernels;
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
  /** B is already packed at `pack` (by an earlier call on the same B). */
  packed?: boolean;
  c: number;
  ldc: number;
  alpha?: number;
  beta?: number;
}

/** What one thread's part of parallel() calls: a whole GEMM on that thread, and the convolution kernels (conv-builder.ts). */
export interface ThreadKernels {
  /** A GEMM on this part's thread; `range`: only these panels of C's columns, or rows (from a multiple of mr). */
  run(call: InMemoryCall, range?: { panels?: [number, number]; rows?: [number, number] }): void;
  convRows(...args: ConvRowsArgs): void;
  im2colTaps(...args: Im2colArgs): void;
  col2imTaps(...args: Col2imArgs): void;
  sparseTaps(...args: SparseTapsArgs): void;
}

/** Kernels that return a value, so run only on the calling thread (sparse-builder.ts). */
export interface DirectKernels {
  gatherNonzeros(...args: GatherArgs): number;
  allFinite(src: number, n: number): number;
  copy4(...args: Copy4Args): void;
}

type Copy4Args = [
  src: number,
  dst: number,
  n0: number,
  n1: number,
  n2: number,
  n3: number,
  s0: number,
  s1: number,
  s2: number,
  s3: number,
  d0: number,
  d1: number,
  d2: number,
  d3: number,
];

type SparseTapsArgs = [groups: number, nGroups: number, inOffs: number, outOffs: number, blocks: number, accumulate: number];
type GatherArgs = [
  src: number,
  n: number,
  stride: number,
  offs: number,
  base: number,
  segs: number,
  srcStep: number,
  baseStep: number,
  dst: number,
  groups: number,
  outs: number,
  outBase: number,
];
type ConvRowsArgs = [
  w: number,
  x: number,
  offs: number,
  K: number,
  y: number,
  ldy: number,
  tiles: number,
  segs: number,
  rows: number,
  xRs: number,
  yRs: number,
];
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
  /** How many threads to use (read at each call; default 1). */
  threads?: () => number;
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

interface Exports extends DirectKernels {
  memory: WasmMemory;
  strip(...args: StripArgs): void;
  /** The last, partial panel: `cols` columns of the tile. */
  stripEdge(...args: [...StripArgs, cols: number, scratch: number]): void;
  packB(src: number, dst: number, n: number, k: number, panels: number): void;
  packBT4(src: number, dst: number, n4: number, k: number, k4: number): void;
  packBTScalar(src: number, dst: number, n: number, k: number, j0: number, p0: number, p1: number): void;
  convRows(...args: ConvRowsArgs): void;
  im2colTaps(...args: Im2colArgs): void;
  col2imTaps(...args: Col2imArgs): void;
  sparseTaps(...args: SparseTapsArgs): void;
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
  return instantiateGemm(buildGemmModule(binaryen, tile, { optimize: options.optimize ?? true }), { ...options, tile });
}

function checkTile(tile: GemmTile): GemmTile {
  const { mr, nv } = tile;
  const nr = 4 * nv;
  if (!(mr >= 1 && nv >= 1 && Number.isInteger(mr) && Number.isInteger(nv) && (nr & (nr - 1)) === 0)) throw new RangeError(`wasm gemm: bad tile ${mr}×${nr}`);
  return tile;
}

/** Edge-tile scratch areas at the bottom of memory, one per thread: the most threads the kernels take. */
const MAX_THREADS = 8;

/**
 * A GEMM from a module built before (e.g. the bytes generated into gemm-binary.generated.ts): no binaryen needed.
 * With `shared` (the same module importing a shared memory) and worker threads at hand, large kernels are split
 * over `threads()` threads.
 */
export function instantiateGemm(built: { binary: Uint8Array; wat: string; shared?: Uint8Array }, options: WasmGemmOptions = {}): WasmGemm {
  const tile = checkTile(options.tile ?? { mr: 4, nv: 2 });
  const { mr, nv } = tile;
  const nr = 4 * nv;
  const KC = options.kc ?? 256;
  const MC = Math.max(mr, Math.floor((options.mc ?? 128) / mr) * mr);
  const packFromM = options.packFromM ?? 64;
  const threads = options.threads ?? (() => 1);
  let team: WorkerTeam | undefined;
  let ex: Exports;
  let memory: WasmMemory;
  if (built.shared && typeof SharedArrayBuffer !== 'undefined' && WorkerTeam.supported()) {
    memory = new wasmApi!.Memory({ initial: 1, maximum: 65536, shared: true });
    const module = compileEagerly(built.shared);
    ex = new wasmApi!.Instance(module, { env: { memory } }).exports as unknown as Exports;
    team = new WorkerTeam(module, memory, ex as unknown as KernelCalls);
  } else {
    ex = new wasmApi!.Instance(compileEagerly(built.binary), {}).exports as unknown as Exports;
    memory = ex.memory;
  }
  let f32 = new Float32Array(memory.buffer);

  const ensure = (bytes: number) => {
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
    if (f32.buffer !== memory.buffer || f32.length * 4 !== memory.buffer.byteLength) f32 = new Float32Array(memory.buffer);
  };
  /** Float offset of a region after `at` floats, 64-byte aligned. */
  const align = (at: number) => Math.ceil(at / 16) * 16;
  const scratchOf = (t: number) => 4 * t * mr * nr;

  /** B stored n×k into panels: 4×4 blocks by SIMD, then the last k % 4 columns and n % 4 rows one by one. */
  function packTransposedB(k4s: KernelCalls, src: number, dst: number, n: number, k: number): void {
    const n4 = n - (n % 4);
    const k4 = k - (k % 4);
    if (n4 > 0 && k4 > 0) k4s.packBT4(src, dst, n4, k, k4);
    if (k4 < k) k4s.packBTScalar(src, dst, n, k, 0, k4, k);
    if (n4 < n && k4 > 0) k4s.packBTScalar(src, dst, n, k, n4, 0, k4);
  }

  /** Packs B as the call asks; where the strips then find it. */
  function packFor(calls: KernelCalls, at: InMemoryCall): { bBase: number; bKs: number; panelStride: number } {
    const { n, k, b, transB = false, pack } = at;
    if (pack === undefined) {
      if (transB) throw new RangeError('wasm gemm: transB needs a packing area');
      return { bBase: b, bKs: 4 * n, panelStride: 4 * nr };
    }
    if (at.packed) return { bBase: pack, bKs: 4 * nr, panelStride: 4 * nr * k };
    if (transB) packTransposedB(calls, b, pack, n, k);
    else calls.packB(b, pack, n, k, Math.ceil(n / nr));
    return { bBase: pack, bKs: 4 * nr, panelStride: 4 * nr * k };
  }

  /**
   * The strips of panels jp0 ≤ jp < jp1 (the partial last panel, if any, is number floor(n / nr)) over rows
   * r0 ≤ i < r1 (r0 a multiple of mr).
   */
  function strips(calls: KernelCalls, t: number, at: InMemoryCall, B: ReturnType<typeof packFor>, jp0: number, jp1: number, r0 = 0, r1 = at.m): void {
    const { n, k, a, aRs, aKs, c, ldc, alpha = 1, beta = 0 } = at;
    const full = Math.floor(n / nr);
    const cols = n - full * nr;
    const readC = beta !== 0;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const [betaNow, read] = pc === 0 ? [beta, readC ? 1 : 0] : [1, 1];
      for (let ic = r0; ic < r1; ic += MC) {
        const tiles = Math.ceil(Math.min(MC, r1 - ic) / mr);
        const ap = a + ic * aRs + pc * aKs;
        const cp = c + ic * ldc;
        for (let jp = jp0; jp < Math.min(jp1, full); jp++) {
          calls.strip(ap, aRs, aKs, B.bBase + jp * B.panelStride + pc * B.bKs, B.bKs, kc, cp + 4 * jp * nr, ldc, tiles, alpha, betaNow, read);
        }
        if (cols > 0 && jp0 <= full && full < jp1) {
          const bp = B.bBase + full * B.panelStride + pc * B.bKs;
          calls.stripEdge(ap, aRs, aKs, bp, B.bKs, kc, cp + 4 * full * nr, ldc, tiles, alpha, betaNow, read, cols, scratchOf(t));
        }
      }
    }
  }

  const direct = ex as unknown as KernelCalls;
  /** The kernels as thread t runs them: at once on this thread, or recorded for worker t. */

  /**
   * Runs `work(t, kernels, count)` for each of `count` parts, one per thread: parts 1… are recorded first and
   * queued for the workers, part 0 runs here, then this thread claims any part not started; returns when all have
   * run. Without workers count is 1.
   */
  function parallel(work: (t: number, kernels: ThreadKernels, count: number) => void, want = MAX_THREADS): void {
    const threadCount = team ? team.ensure(Math.min(MAX_THREADS, threads(), want) - 1) : 1;
    // One part per thread (more measured slower: the workers wait while this thread records them all); a worker
    // that starts late has its part taken over by this thread.
    const count = threadCount > 1 ? Math.min(want, MAX_PARTS, threadCount) : 1;
    const kernelsOf = (t: number, calls: KernelCalls): ThreadKernels => ({
      run: (at, range = {}) => {
        const [jp0, jp1] = range.panels ?? [0, Math.ceil(at.n / nr)];
        const [r0, r1] = range.rows ?? [0, at.m];
        strips(calls, t, at, packFor(calls, at), jp0, jp1, r0, r1);
      },
      convRows: calls.convRows,
      im2colTaps: calls.im2colTaps,
      col2imTaps: calls.col2imTaps,
      sparseTaps: calls.sparseTaps,
    });
    if (count === 1) return work(0, kernelsOf(0, direct), 1);
    for (let t = 1; t < count; t++) {
      team!.beginPart();
      work(t, kernelsOf(t, team!.recorder()), count);
    }
    team!.run(() => work(0, kernelsOf(0, direct), count));
  }

  /** Threads worth using for m·n·k multiply-adds. */
  const threadsFor = (work: number) => Math.max(1, Math.min(MAX_THREADS, threads(), Math.floor(work / MIN_WORK_PER_THREAD)));

  /**
   * C = beta·C + alpha·op(A)·op(B) on operands in the module's memory (byte addresses): op(A)[i, p] at
   * a + i·aRs + p·aKs, B contiguous (k×n, or n×k when transB), C with row stride ldc. Packs B into `pack` when
   * given (always for transB). C's rows are written in tiles of mr: rows up to ceil(m/mr)·mr must be writable and
   * A's readable. Large products are split over threads by panels of C's columns or by its rows.
   */
  function run(at: InMemoryCall): void {
    const B = packFor(direct, at);
    const panels = Math.ceil(at.n / nr);
    const tiles = Math.ceil(at.m / mr);
    // Split the longer of C's panel columns and tile rows (a few panels split unevenly: 5 panels go 2 + 3).
    const byRows = tiles > panels;
    const n = Math.min(team ? threadsFor(at.m * at.n * at.k) : 1, byRows ? tiles : panels);
    if (n <= 1) return strips(direct, 0, at, B, 0, panels);
    // The parts find B packed already.
    const packed = { ...at, packed: at.pack !== undefined };
    const part = (t: number, count: number, units: number) => Math.floor((t * units) / count);
    parallel((t, k, count) => {
      if (byRows) k.run(packed, { rows: [mr * part(t, count, tiles), Math.min(at.m, mr * part(t + 1, count, tiles))] });
      else k.run(packed, { panels: [part(t, count, panels), part(t + 1, count, panels)] });
    }, n);
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
    const [aRs, aKs] = transA ? [4, 4 * m] : [4 * k, 4];
    const [aAt, bAt, cAt] = [heap?.addressOf(A), heap?.addressOf(B), heap?.addressOf(C)];
    const apart = (x: number, xLen: number, y: number, yLen: number) => x + 4 * xLen <= y || y + 4 * yLen <= x;
    if (aAt !== undefined && bAt !== undefined && cAt !== undefined && apart(cAt, m * n, aAt, m * k) && apart(cAt, m * n, bAt, k * n)) {
      // All three in the heap: no copies. C's last partial tile of rows goes through the work space.
      stats.inPlace++;
      const pOff = workspaceStart();
      const tOff = align(pOff + (pack ? nP * k : 0));
      // Room also for the reads of A's padding rows past the last block.
      ensure(4 * (tOff + mr * (n + k + m)));
      // C's whole tiles in place; when its block has room for the last tile's extra rows (the heap leaves some
      // after matrices), that tile too.
      const whole = heap!.roomAfter(C) >= (mP - m) * n ? m : m - (m % mr);
      const at = { m: whole, n, k, a: aAt, aRs, aKs, b: bAt, transB, pack: pack ? 4 * pOff : undefined, c: cAt, ldc: 4 * n, alpha, beta };
      if (at.m > 0) run(at);
      if (at.m === m) return;
      const rows = m % mr;
      const tail = f32.subarray(tOff, tOff + rows * n);
      if (beta !== 0) tail.set(C.subarray(at.m * n, m * n));
      run({ ...at, m: rows, a: aAt + at.m * aRs, c: 4 * tOff, packed: at.m > 0 && pack });
      C.set(tail, at.m * n);
      return;
    }
    stats.copied++;
    // Layout (floats): the threads' edge tiles, A with room for the padding rows' reads, B with one panel's width
    // of slack, packed B, C with room for the padding rows' writes.
    const aOff = workspaceStart();
    const bOff = align(aOff + Math.max(mP * k, k * m + mr));
    const pOff = align(bOff + k * n + nr);
    const cOff = align(pOff + (pack ? nP * k : 0));
    ensure(4 * (cOff + mP * n));
    f32.set(m * k === A.length ? A : A.subarray(0, m * k), aOff);
    f32.set(k * n === B.length ? B : B.subarray(0, k * n), bOff);
    if (beta !== 0) f32.set(m * n === C.length ? C : C.subarray(0, m * n), cOff);
    run({ m, n, k, a: 4 * aOff, aRs, aKs, b: 4 * bOff, transB, pack: pack ? 4 * pOff : undefined, c: 4 * cOff, ldc: 4 * n, alpha, beta });
    C.set(f32.subarray(cOff, cOff + m * n));
  }

  /** The module's memory as floats, at least `floats` long (growing it; views taken before a growth are stale). */
  function reserve(floats: number): Float32Array {
    ensure(4 * floats);
    return f32;
  }

  const stats = { inPlace: 0, copied: 0 };
  const firstFreeFloat = align(MAX_THREADS * mr * nr);
  const heap = team ? new WasmHeap(memory, firstFreeFloat, ensure) : undefined;
  /** Where one call's work space starts: past the heap's blocks. */
  function workspaceStart(): number {
    return heap ? heap.end : firstFreeFloat;
  }
  return {
    stats,
    heap,
    workspaceStart,
    gemm,
    run,
    parallel,
    threads: () => (team ? Math.min(MAX_THREADS, threads()) : 1),
    listsRunByWorkers: () => team?.listsRunByWorkers() ?? 0,
    reserve,
    wat: () => built.wat,
    direct: { gatherNonzeros: ex.gatherNonzeros, allFinite: ex.allFinite, copy4: ex.copy4 },
    tile: { mr, nv },
    memory,
  };
}
