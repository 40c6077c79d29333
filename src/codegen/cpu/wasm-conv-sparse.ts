import type { TypedArray } from '../../ir/dtype.js';
import type { ConvGeometry } from '../../ir/op.js';
import type { WasmGemm } from '../wasm/gemm.js';
import { GROUP_BYTES, NONZERO_BYTES, SPARSE_BLOCK_ROWS } from '../wasm/sparse-builder.js';
import { MIN_WORK_PER_THREAD } from '../wasm/threads.js';

/** What wasm-conv.ts lends these kernels: its workspace layout and image staging. */
export interface ConvWorkspace {
  /** Float offsets of consecutive 64-byte aligned regions of the given sizes, and the memory holding them. */
  layout(...sizes: number[]): { offs: number[]; mem: Float32Array };
  /** The byte address of a float32 array in the heap, if it is one. */
  inHeap(a: TypedArray): number | undefined;
  /** The byte address of a's first n floats in the module's memory: in place in the heap, else copied to `off`. */
  addressIn(a: TypedArray, n: number, mem: Float32Array, off: number): number;
  /** The batch of images into mem at off, each channel zero-padded to Hp × Wp. */
  stageImages(src: TypedArray, g: ConvGeometry, mem: Float32Array, off: number): void;
}

/**
 * Costs measured here (one thread, ns): a sparse block (three rows of eight taps for one nonzero), a dense kernel's
 * multiply-add, a gathered element of the gradient. They decide when skipping zeros pays.
 */
const NS_PER_SPARSE_BLOCK = 1.7;
const NS_PER_DENSE_MAC = 0.047;
const NS_PER_GATHERED = 1.4;
/** Gather only where a gradient this sparse (max-pooling's, behind a ReLU) would pay, counting the gather. */
const EXPECTED_DENSITY = 0.15;

/** Tests set `force` to run the sparse kernels wherever they can (finite operands, rows up to eight taps), cost aside. */
export const sparseConvOptions = { force: false };

/** How many gradient calls the sparse kernels took (the rest fell back to the dense ones): a diagnostic. */
export const sparseConvStats = { gradInputs: 0, gradFilters: 0 };

/** A group record's i32s: output base, first nonzero, count. */
const GROUP_INTS = GROUP_BYTES / 4;
/** Widest filter row the sparse kernels take: a row of taps is two f32x4. */
const MAX_TAPS_PER_ROW = 8;

/**
 * The two convolution gradients by skipping the output gradient's zeros (stride 1): behind max-pooling at most one
 * value per pooling window is nonzero, so most of the dense products' multiply-adds are by zero. Each nonzero adds
 * its value times a filter row (gradInputs) or an image window (gradFilters), eight taps per row, into sums kept
 * in registers. The sums are the dense kernels' in another order. Used only where every operand is finite (a zero
 * times an Inf would be NaN, which skipping would hide) and the gradient is sparse enough; otherwise they return
 * false and the dense kernels run.
 */
export function sparseConvKernels(wasm: WasmGemm, ws: ConvWorkspace) {
  const i32 = (mem: Float32Array) => new Int32Array(mem.buffer, mem.byteOffset, mem.length);
  const rowsOf = (g: ConvGeometry) => Math.ceil((g.inC * g.fR) / SPARSE_BLOCK_ROWS) * SPARSE_BLOCK_ROWS;
  const blocksOf = (g: ConvGeometry) => rowsOf(g) / SPARSE_BLOCK_ROWS;
  const denseNs = (g: ConvGeometry) => g.inC * g.fR * g.fW * NS_PER_DENSE_MAC;
  /** Filter rows up to eight taps, and enough taps per output that skipping zeros can repay the gather. */
  const takes = (g: ConvGeometry) =>
    g.fW <= MAX_TAPS_PER_ROW && (sparseConvOptions.force || EXPECTED_DENSITY * blocksOf(g) * NS_PER_SPARSE_BLOCK + NS_PER_GATHERED < denseNs(g));
  /** With the nonzeros counted (the gather is paid): whether the sparse kernel beats the dense one. */
  const pays = (g: ConvGeometry, nonzeros: number, total: number) =>
    sparseConvOptions.force || nonzeros * blocksOf(g) * NS_PER_SPARSE_BLOCK < total * denseNs(g);
  /** Threads worth using for `taps` sparse multiply-adds split into `parts`. */
  const threadsFor = (taps: number, parts: number) => Math.max(1, Math.min(parts, Math.floor(taps / MIN_WORK_PER_THREAD)));
  /** Part boundaries over `units` whose costs are cumulative[u + 1] − cumulative[u], about equal per part. */
  const balanced = (cumulative: Int32Array | number[], units: number, t: number, count: number) => {
    const goal = (cumulative[units]! * t) / count;
    let u = 0;
    while (u < units && cumulative[u]! < goal) u++;
    return t === 0 ? 0 : t === count ? units : u;
  };

  /** Writes n floats of `a` by `write(byte address)`: in place when a is in the heap, else through the region at off. */
  function into(a: TypedArray, n: number, off: number, write: (at: number) => void): void {
    const at = ws.inHeap(a);
    write(at ?? 4 * off);
    if (at === undefined) a.set(wasm.reserve(0).subarray(off, off + n));
  }

  /** gz into the workspace unless in the heap; its byte address, or undefined if it is not all finite. */
  function finiteGradient(gz: TypedArray, n: number, mem: Float32Array, off: number): number | undefined {
    const at = ws.addressIn(gz, n, mem, off);
    return wasm.direct.allFinite(at, n) ? at : undefined;
  }

  function gradFilters(g: ConvGeometry, x: TypedArray, gz: TypedArray, flip: boolean, gw: TypedArray): boolean {
    if (!takes(g)) return false;
    const { batch, inC: C, fR, fW, outC: O, outR, outW, padR, padW } = g;
    const [Hp, Wp] = [g.inR + 2 * padR, g.inW + 2 * padW];
    const [P, rows, image] = [outR * outW, rowsOf(g), C * Hp * Wp];
    const xInPlace = padR === 0 && padW === 0 ? ws.inHeap(x) : undefined;
    const {
      offs: [xOff, gzOff, pixOff, rowInOff, rowOutOff, groupsOff, sumsOff, gwOff, listOff],
      mem,
    } = ws.layout(
      xInPlace === undefined ? batch * image + MAX_TAPS_PER_ROW : 0,
      batch * O * P,
      P,
      rows,
      rows,
      GROUP_INTS * O,
      O * rows * MAX_TAPS_PER_ROW,
      ws.inHeap(gw) === undefined ? O * C * fR * fW : 0,
      2 * batch * O * P + 2,
    );
    const gzAt = finiteGradient(gz, batch * O * P, mem, gzOff!);
    if (gzAt === undefined) return false;
    if (xInPlace === undefined) ws.stageImages(x, g, mem, xOff!);
    const xAt = xInPlace ?? 4 * xOff!;
    if (!wasm.direct.allFinite(xAt, batch * image)) return false;
    const ints = i32(mem);
    for (let i = 0, p = 0; i < outR; i++) for (let j = 0; j < outW; j++, p++) ints[pixOff! + p] = 4 * (i * Wp + j);
    // Nonzeros of each filter's gradient over the batch: (address of its image window, value).
    const listAt = 4 * listOff!;
    const cumulative = new Int32Array(O + 1);
    let end = listAt;
    for (let o = 0; o < O; o++) {
      const start = end;
      end = wasm.direct.gatherNonzeros(gzAt + 4 * o * P, P, 4, 4 * pixOff!, xAt, batch, 4 * O * P, 4 * image, end, 0, 0, 0);
      const rec = groupsOff! + GROUP_INTS * o;
      [ints[rec], ints[rec + 1], ints[rec + 2]] = [4 * (sumsOff! + o * rows * MAX_TAPS_PER_ROW), start, (end - start) / NONZERO_BYTES];
      cumulative[o + 1] = cumulative[o]! + ints[rec + 2]!;
    }
    const nonzeros = cumulative[O]!;
    if (!pays(g, nonzeros, batch * O * P)) return false;
    // Row r = (c, u) of a window starts at c·Hp·Wp + u·Wp; rows past C·fR (block padding) read row 0, land in padding.
    for (let r = 0; r < rows; r++) {
      ints[rowInOff! + r] = r < C * fR ? 4 * (Math.floor(r / fR) * Hp * Wp + (r % fR) * Wp) : 0;
      ints[rowOutOff! + r] = 4 * MAX_TAPS_PER_ROW * r;
    }
    const blocks = blocksOf(g);
    wasm.parallel(
      (t, k, count) => {
        const [o0, o1] = [balanced(cumulative, O, t, count), balanced(cumulative, O, t + 1, count)];
        if (o1 > o0) k.sparseTaps(4 * (groupsOff! + GROUP_INTS * o0), o1 - o0, 4 * rowInOff!, 4 * rowOutOff!, blocks, 0);
      },
      threadsFor(nonzeros * blocks * SPARSE_BLOCK_ROWS * MAX_TAPS_PER_ROW, O),
    );
    // Sums (o, c, u, v) into gw, flipped back as the op flips.
    const F = fR * fW;
    const [dir, first] = flip ? [-1, F - 1] : [1, 0];
    into(gw, O * C * F, gwOff!, (at) =>
      wasm.direct.copy4(
        4 * sumsOff!,
        at + 4 * first,
        O,
        C,
        fR,
        fW,
        4 * rows * MAX_TAPS_PER_ROW,
        4 * fR * MAX_TAPS_PER_ROW,
        4 * MAX_TAPS_PER_ROW,
        4,
        4 * C * F,
        4 * F,
        4 * dir * fW,
        4 * dir,
      ),
    );
    sparseConvStats.gradFilters++;
    return true;
  }

  function gradInputs(g: ConvGeometry, w: TypedArray, gz: TypedArray, flip: boolean, gx: TypedArray): boolean {
    if (!takes(g)) return false;
    const { batch, inC: C, inR, inW, fR, fW, outC: O, outR, outW, padR, padW } = g;
    const Hp = inR + 2 * padR;
    // Each nonzero adds eight columns per row: rows are widened so that the extra (zero) columns stay in their row.
    const Wq = inW + 2 * padW + MAX_TAPS_PER_ROW - fW;
    const [P, rows, image] = [outR * outW, rowsOf(g), C * Hp * Wq];
    const filter = rows * MAX_TAPS_PER_ROW;
    const {
      offs: [gzOff, wInOff, wOff, wRowOff, pixOff, rowInOff, rowOutOff, gxOff, gxOutOff, groupsOff, listOff],
      mem,
    } = ws.layout(
      batch * O * P,
      ws.inHeap(w) === undefined ? O * C * fR * fW : 0,
      O * filter,
      O,
      P,
      rows,
      rows,
      batch * image,
      ws.inHeap(gx) === undefined ? batch * C * inR * inW : 0,
      GROUP_INTS * batch * P,
      2 * batch * O * P + 2,
    );
    const gzAt = finiteGradient(gz, batch * O * P, mem, gzOff!);
    if (gzAt === undefined) return false;
    // Filter o's taps (c, u, v) as the op flips them, in rows of eight (zeros past fW and past C·fR rows).
    mem.fill(0, wOff!, wOff! + O * filter);
    const F = fR * fW;
    const wAt = ws.addressIn(w, O * C * F, mem, wInOff!);
    const [dir, first] = flip ? [-1, F - 1] : [1, 0];
    wasm.direct.copy4(
      wAt + 4 * first,
      4 * wOff!,
      O,
      C,
      fR,
      fW,
      4 * C * F,
      4 * F,
      4 * dir * fW,
      4 * dir,
      4 * filter,
      4 * fR * MAX_TAPS_PER_ROW,
      4 * MAX_TAPS_PER_ROW,
      4,
    );
    if (!wasm.direct.allFinite(4 * wOff!, O * filter)) return false;
    const ints = i32(mem);
    for (let o = 0; o < O; o++) ints[wRowOff! + o] = 4 * o * filter;
    for (let i = 0, p = 0; i < outR; i++) for (let j = 0; j < outW; j++, p++) ints[pixOff! + p] = 4 * (i * Wq + j);
    // Per image and output pixel, the nonzeros over the filters: (address of the filter's taps, value).
    const cumulative = new Int32Array(batch + 1);
    let end = 4 * listOff!;
    for (let b = 0; b < batch; b++) {
      const gbase = 4 * (groupsOff! + GROUP_INTS * b * P);
      const start = end;
      end = wasm.direct.gatherNonzeros(gzAt + 4 * b * O * P, O, 4 * P, 4 * wRowOff!, 4 * wOff!, P, 4, 0, end, gbase, 4 * pixOff!, 4 * (gxOff! + b * image));
      cumulative[b + 1] = cumulative[b]! + (end - start) / NONZERO_BYTES;
    }
    const nonzeros = cumulative[batch]!;
    if (!pays(g, nonzeros, batch * O * P)) return false;
    // Row r = (c, u) of a filter adds into image row c·Hp + i + u; the padding rows (zero taps) add into row 0.
    for (let r = 0; r < rows; r++) {
      ints[rowInOff! + r] = 4 * MAX_TAPS_PER_ROW * r;
      ints[rowOutOff! + r] = r < C * fR ? 4 * (Math.floor(r / fR) * Hp * Wq + (r % fR) * Wq) : 0;
    }
    mem.fill(0, gxOff!, gxOff! + batch * image);
    const blocks = blocksOf(g);
    wasm.parallel(
      (t, k, count) => {
        const [b0, b1] = [balanced(cumulative, batch, t, count), balanced(cumulative, batch, t + 1, count)];
        if (b1 > b0) k.sparseTaps(4 * (groupsOff! + GROUP_INTS * b0 * P), (b1 - b0) * P, 4 * rowInOff!, 4 * rowOutOff!, blocks, 1);
      },
      threadsFor(nonzeros * blocks * SPARSE_BLOCK_ROWS * MAX_TAPS_PER_ROW, batch),
    );
    // The images cropped out of their widened, padded planes.
    into(gx, batch * C * inR * inW, gxOutOff!, (at) =>
      wasm.direct.copy4(4 * (gxOff! + padR * Wq + padW), at, batch * C, inR, inW, 1, 4 * Hp * Wq, 4 * Wq, 4, 0, 4 * inR * inW, 4 * inW, 4, 0),
    );
    sparseConvStats.gradInputs++;
    return true;
  }

  return { gradFilters, gradInputs };
}
