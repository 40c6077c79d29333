import type { TypedArray } from '../../ir/dtype.js';
import type { ConvGeometry, ConvKernels } from '../../ir/op.js';
import type { WasmGemm } from '../wasm/gemm.js';
import { MIN_WORK_PER_THREAD } from '../wasm/threads.js';
import { sparseConvKernels } from './wasm-conv-sparse.js';

/**
 * The three convolutions in the wasm module's memory, for stride 1 (other strides: the ops' im2col code).
 * - forward: direct convolution (convRows), 4 output channels × 8 output columns per register tile, reading the
 *   zero-padded input in place: no patch matrix at all.
 * - gradInputs: per image, the taps' gradients wᵀ·gz by GEMM (K × P), scattered back by col2imTaps.
 * - gradFilters: the patches of a group of images by im2colTaps (K × n·P) times gzᵀ, one GEMM (split by rows).
 * Sums are float32, as the wasm GEMM's. Regions are laid out from the module's first free float, each call anew.
 */
export function wasmConvKernels(wasm: WasmGemm): ConvKernels {
  /** Float offsets of consecutive regions of the given sizes (64-byte aligned) and the memory holding them. */
  const layout = (...sizes: number[]) => {
    const offs: number[] = [];
    let at = wasm.workspaceStart();
    for (const n of sizes) {
      offs.push(at);
      at = Math.ceil((at + n) / 16) * 16;
    }
    return { offs, mem: wasm.reserve(at) };
  };
  /** Threads worth using for `work` multiply-adds split into `parts` (~0.5 M each at least). */
  const threadsFor = (work: number, parts: number) => Math.max(1, Math.min(parts, Math.floor(work / MIN_WORK_PER_THREAD)));
  /** The sizes of each thread's own regions, for `n` threads (the count parallel() may use is at most n). */
  const perThread = (n: number, ...sizes: number[]) => Array.from({ length: n }, () => sizes).flat();
  const padded = (g: ConvGeometry) => ({ Hp: g.inR + 2 * g.padR, Wp: g.inW + 2 * g.padW });
  /** The sizes the kernels share: padded image, taps K (and K rounded to the GEMM's 4-row tiles), output pixels P. */
  const sizes = (g: ConvGeometry) => {
    const K = g.inC * g.fR * g.fW;
    return { ...padded(g), K, Kp: Math.ceil(K / 4) * 4, P: g.outR * g.outW };
  };

  /**
   * Geometries these kernels take: stride 1 and nothing empty (their loops run at least once; the ops' own code
   * handles empty batches, channels and outputs).
   */
  const takes = (g: ConvGeometry) => g.strideR === 1 && g.strideW === 1 && [g.batch, g.inC, g.outC, g.fR, g.fW, g.outR, g.outW].every((d) => d > 0);

  /** The byte address of an array the kernels can use in place (in the heap), if it is one. */
  const inHeap = (a: TypedArray) => (a instanceof Float32Array ? wasm.heap?.addressOf(a) : undefined);
  /** The byte address of `a`'s first n floats in the module's memory: in place in the heap, else copied to `off`. */
  const addressIn = (a: TypedArray, n: number, mem: Float32Array, off: number): number => {
    const at = inHeap(a);
    if (at !== undefined) return at;
    mem.set(a.subarray(0, n), off);
    return 4 * off;
  };
  /** Images used in place where they need no padding and are in the heap. */
  const imagesInPlace = (x: TypedArray, g: ConvGeometry) => (g.padR === 0 && g.padW === 0 ? inHeap(x) : undefined);

  /** The batch of images into `mem` at `off`, each channel zero-padded to Hp × Wp. */
  function stageImages(src: TypedArray, g: ConvGeometry, mem: Float32Array, off: number): void {
    const { Hp, Wp } = padded(g);
    const planes = g.batch * g.inC;
    if (g.padR === 0 && g.padW === 0) {
      mem.set(src.subarray(0, planes * Hp * Wp), off);
      return;
    }
    mem.fill(0, off, off + planes * Hp * Wp);
    for (let pl = 0; pl < planes; pl++) {
      for (let r = 0; r < g.inR; r++) {
        const s = (pl * g.inR + r) * g.inW;
        const d = off + (pl * Hp + r + g.padR) * Wp + g.padW;
        for (let c = 0; c < g.inW; c++) mem[d + c] = src[s + c]!;
      }
    }
  }

  /**
   * Filter o's taps k = (c, u, v), flipped as the op flips, into dst[d0 + k·step]. Flipping both spatial axes
   * reverses each (o, c) plane, so both cases are plain loops over the planes.
   */
  function filterTaps(w: TypedArray, o: number, g: ConvGeometry, flip: boolean, dst: Float32Array, d0: number, step: number): void {
    const F = g.fR * g.fW;
    for (let c = 0, d = d0; c < g.inC; c++) {
      const plane = (o * g.inC + c) * F;
      if (flip) for (let q = F - 1; q >= 0; q--, d += step) dst[d] = w[plane + q]!;
      else for (let q = 0; q < F; q++, d += step) dst[d] = w[plane + q]!;
    }
  }

  const sparse = sparseConvKernels(wasm, { layout, inHeap, addressIn, stageImages });

  function forward(g: ConvGeometry, x: TypedArray, w: TypedArray, flip: boolean, y: TypedArray): boolean {
    if (!takes(g)) return false;
    const { batch, inC: C, fR, fW, outC: O, outR, outW } = g;
    const { Hp, Wp } = padded(g);
    const K = C * fR * fW;
    const tiles = Math.ceil(O / 4);
    const outWp = Math.ceil(outW / 8) * 8;
    const plane = outR * outWp;
    const xDirect = imagesInPlace(x, g);
    const yDirect = outWp === outW && tiles * 4 === O ? inHeap(y) : undefined;
    const {
      offs: [xOff, wInOff, wOff, tapOff, yOff],
      mem,
    } = layout(
      xDirect === undefined ? batch * C * Hp * Wp + 16 + fW : 0,
      inHeap(w) === undefined ? O * K : 0,
      tiles * K * 4,
      K,
      yDirect === undefined ? batch * tiles * 4 * plane : 0,
    );
    // Each tap's byte offset in an image, k = (c, u, v).
    const taps = new Int32Array(mem.buffer, mem.byteOffset + 4 * tapOff!, K);
    for (let c = 0, k = 0; c < C; c++) for (let u = 0; u < fR; u++) for (let v = 0; v < fW; v++, k++) taps[k] = 4 * (c * Hp * Wp + u * Wp + v);
    if (xDirect === undefined) stageImages(x, g, mem, xOff!);
    const [xBase, yBase] = [xDirect ?? 4 * xOff!, yDirect ?? 4 * yOff!];
    // Filters interleaved by tiles of 4 output channels: wI[t][k][r] (zero rows past O), tap k = (c, q) flipped as
    // the op flips: by copy4 over (tile, row, channel, tap), then the last partial tile's rows.
    const wAt = addressIn(w, O * K, mem, wInOff!);
    const F = fR * fW;
    const [dir, first] = flip ? [-1, F - 1] : [1, 0];
    const interleave = (t0: number, nTiles: number, rows: number) =>
      wasm.direct.copy4(wAt + 4 * (4 * t0 * K + first), 4 * (wOff! + 4 * t0 * K), nTiles, rows, C, F, 16 * K, 4 * K, 4 * F, 4 * dir, 16 * K, 4, 16 * F, 16);
    if (O % 4) mem.fill(0, wOff! + (tiles - 1) * K * 4, wOff! + tiles * K * 4);
    if (O >= 4) interleave(0, Math.floor(O / 4), 4);
    if (O % 4) interleave(Math.floor(O / 4), 1, O % 4);
    const imageIn = 4 * C * Hp * Wp;
    const imageOut = 4 * tiles * 4 * plane;
    // Output rows (image, row) split over the threads; one call per image's run of rows.
    const rows = batch * outR;
    wasm.parallel(
      (t, k, n) => {
        const [q0, q1] = [Math.floor((t * rows) / n), Math.floor(((t + 1) * rows) / n)];
        for (let q = q0; q < q1;) {
          const [b, i] = [Math.floor(q / outR), q % outR];
          const count = Math.min(outR - i, q1 - q);
          const [xAt, yAt] = [xBase + b * imageIn + 4 * i * Wp, yBase + b * imageOut + 4 * i * outWp];
          k.convRows(4 * wOff!, xAt, 4 * tapOff!, K, yAt, 4 * plane, tiles, outWp / 8, count, 4 * Wp, 4 * outWp);
          q += count;
        }
      },
      threadsFor(4 * batch * tiles * plane * K, rows),
    );
    if (yDirect !== undefined) return true;
    const out = wasm.reserve(0);
    if (outWp === outW && tiles * 4 === O) {
      y.set(out.subarray(yOff!, yOff! + batch * O * plane));
      return true;
    }
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < O; o++) {
        for (let i = 0; i < outR; i++) {
          const s = yOff! + ((b * tiles * 4 + o) * outR + i) * outWp;
          const d = ((b * O + o) * outR + i) * outW;
          for (let j = 0; j < outW; j++) y[d + j] = out[s + j]!;
        }
      }
    }
    return true;
  }

  function gradInputs(g: ConvGeometry, w: TypedArray, gz: TypedArray, flip: boolean, gx: TypedArray): boolean {
    if (!takes(g)) return false;
    if (sparse.gradInputs(g, w, gz, flip, gx)) return true;
    const { batch, inC: C, inR, inW, fR, fW, outC: O, outR, outW } = g;
    const { Hp, Wp, K, Kp, P } = sizes(g);
    const nP = Math.ceil(P / 8) * 8;
    const n = threadsFor(batch * K * P * O, batch);
    const gzDirect = inHeap(gz);
    const gxDirect = imagesInPlace(gx, g);
    const {
      offs: [wOff, gzOff, imgOff, ...own],
      mem,
    } = layout(O * K + 4, gzDirect === undefined ? batch * O * P : 0, gxDirect === undefined ? batch * C * Hp * Wp : 0, ...perThread(n, nP * O, Kp * P));
    // Filters as an O × K matrix; op(A) = its transpose (K × O) read in place.
    for (let o = 0; o < O; o++) filterTaps(w, o, g, flip, mem, wOff! + o * K, 1);
    if (gzDirect === undefined) mem.set(gz.subarray(0, batch * O * P), gzOff);
    if (gxDirect === undefined) mem.fill(0, imgOff!, imgOff! + batch * C * Hp * Wp);
    else gx.fill(0);
    const [gzBase, imgBase] = [gzDirect ?? 4 * gzOff!, gxDirect ?? 4 * imgOff!];
    // Images split over the threads, each with its own packing and column areas.
    wasm.parallel((t, k, count) => {
      const [packOff, colOff] = [own[2 * t]!, own[2 * t + 1]!];
      for (let b = Math.floor((t * batch) / count); b < Math.floor(((t + 1) * batch) / count); b++) {
        k.run({ m: K, n: P, k: O, a: 4 * wOff!, aRs: 4, aKs: 4 * K, b: gzBase + 4 * b * O * P, pack: 4 * packOff, c: 4 * colOff, ldc: 4 * P });
        k.col2imTaps(4 * colOff, 4 * P, C, fR, fW, outR, outW, imgBase + 4 * b * C * Hp * Wp, 4 * Hp * Wp, 4 * Wp);
      }
    }, n);
    if (gxDirect !== undefined) return true;
    const img = wasm.reserve(0);
    if (g.padR === 0 && g.padW === 0) {
      gx.set(img.subarray(imgOff!, imgOff! + batch * C * Hp * Wp));
      return true;
    }
    for (let pl = 0; pl < batch * C; pl++) {
      for (let r = 0; r < inR; r++) {
        const s = imgOff! + (pl * Hp + r + g.padR) * Wp + g.padW;
        const d = (pl * inR + r) * inW;
        for (let c = 0; c < inW; c++) gx[d + c] = img[s + c]!;
      }
    }
    return true;
  }

  function gradFilters(g: ConvGeometry, x: TypedArray, gz: TypedArray, flip: boolean, gw: TypedArray): boolean {
    if (!takes(g)) return false;
    if (sparse.gradFilters(g, x, gz, flip, gw)) return true;
    const { inC: C, fR, fW, outC: O } = g;
    const K = C * fR * fW;
    const accOff = K >= 128 ? gradFiltersGrouped(g, x, gz) : gradFiltersByImage(g, x, gz);
    // acc is K × O with k = (c, u, v) in the flipped orientation when the convolution flips.
    const acc = wasm.reserve(0);
    // Filter o's taps are column o of acc; the same plane reversal undoes the flip.
    const F = fR * fW;
    for (let o = 0; o < O; o++) {
      for (let c = 0; c < C; c++) {
        const plane = (o * C + c) * F;
        const src = accOff + c * F * O + o;
        if (flip) for (let q = 0; q < F; q++) gw[plane + F - 1 - q] = acc[src + q * O]!;
        else for (let q = 0; q < F; q++) gw[plane + q] = acc[src + q * O]!;
      }
    }
    return true;
  }

  /**
   * Many taps (K ≥ 128: network3's second layer): one GEMM per group of images, patches K × n·P against gzᵀ,
   * split over the threads by rows. Returns where the K × O sum is.
   */
  function gradFiltersGrouped(g: ConvGeometry, x: TypedArray, gz: TypedArray): number {
    const { batch, inC: C, fR, fW, outC: O, outR, outW } = g;
    const { Hp, Wp, K, Kp, P } = sizes(g);
    const nP = Math.ceil(O / 8) * 8;
    // One product per group of images (all of a mini-batch at the book's sizes): patches K × n·P against gzᵀ.
    const group = Math.max(1, Math.min(batch, Math.floor(4_000_000 / (Kp * P))));
    const [xDirect, gzDirect] = [imagesInPlace(x, g), inHeap(gz)];
    const {
      offs: [xOff, gzOff, colOff, gzTOff, packOff, accOff],
      mem,
    } = layout(
      xDirect === undefined ? batch * C * Hp * Wp + 4 : 0,
      gzDirect === undefined ? batch * O * P : 0,
      Kp * (group * P + 4),
      O * group * P,
      nP * group * P,
      Kp * O,
    );
    if (xDirect === undefined) stageImages(x, g, mem, xOff!);
    if (gzDirect === undefined) mem.set(gz.subarray(0, batch * O * P), gzOff);
    const [xBase, gzAt] = [xDirect ?? 4 * xOff!, gzDirect === undefined ? gzOff! : gzDirect / 4];
    for (let g0 = 0; g0 < batch; g0 += group) {
      const n = Math.min(group, batch - g0);
      const BP = n * P;
      // Patches of each image into its columns of rows BP + 4 long. im2colTaps may write 3 floats past an image's
      // part of a row: into the next image's (written after it, so only in parallel when rows end on whole quads),
      // or into the row's slack.
      const ld = BP + 4;
      const imageWork = outW % 4 === 0 ? threadsFor(n * K * P * 8, n) : 1;
      wasm.parallel((t, k, count) => {
        for (let b = Math.floor((t * n) / count); b < Math.floor(((t + 1) * n) / count); b++) {
          k.im2colTaps(xBase + 4 * (g0 + b) * C * Hp * Wp, 4 * Hp * Wp, 4 * Wp, C, fR, fW, outR, outW, 4 * (colOff! + b * P), 4 * ld);
        }
      }, imageWork);
      // gzᵀ's rows: channel o of every image of the group, one after the other.
      for (let o = 0; o < O; o++) {
        for (let b = 0; b < n; b++) {
          const src = gzAt + ((g0 + b) * O + o) * P;
          mem.copyWithin(gzTOff! + o * BP + b * P, src, src + P);
        }
      }
      const beta = g0 === 0 ? 0 : 1;
      wasm.run({ m: K, n: O, k: BP, a: 4 * colOff!, aRs: 4 * ld, aKs: 4, b: 4 * gzTOff!, transB: true, pack: 4 * packOff!, c: 4 * accOff!, ldc: 4 * O, beta });
    }
    return accOff!;
  }

  /**
   * Few taps (the first layer's 25): images split over the threads, each summing its images' products (K × P
   * patches against gz_bᵀ) into its own K × O; thread 0 adds the others in. Returns where the sum is.
   */
  function gradFiltersByImage(g: ConvGeometry, x: TypedArray, gz: TypedArray): number {
    const { batch, inC: C, fR, fW, outC: O, outR, outW } = g;
    const { Hp, Wp, K, Kp, P } = sizes(g);
    const nP = Math.ceil(O / 8) * 8;
    const want = threadsFor(batch * K * P * O, batch);
    const [xDirect, gzDirect] = [imagesInPlace(x, g), inHeap(gz)];
    const {
      offs: [xOff, gzOff, ...own],
      mem,
    } = layout(xDirect === undefined ? batch * C * Hp * Wp + 4 : 0, gzDirect === undefined ? batch * O * P : 0, ...perThread(want, Kp * P + 4, nP * P, Kp * O));
    if (xDirect === undefined) stageImages(x, g, mem, xOff!);
    if (gzDirect === undefined) mem.set(gz.subarray(0, batch * O * P), gzOff);
    const [xBase, gzBase] = [xDirect ?? 4 * xOff!, gzDirect ?? 4 * gzOff!];
    // Images split over the threads, each summing into its own K × O accumulator; thread 0 adds the others in.
    let used = 1;
    wasm.parallel((t, k, count) => {
      used = count;
      const [colOff, packOff, accOff] = [own[3 * t]!, own[3 * t + 1]!, own[3 * t + 2]!];
      const [b0, b1] = [Math.floor((t * batch) / count), Math.floor(((t + 1) * batch) / count)];
      for (let b = b0; b < b1; b++) {
        k.im2colTaps(xBase + 4 * b * C * Hp * Wp, 4 * Hp * Wp, 4 * Wp, C, fR, fW, outR, outW, 4 * colOff, 4 * P);
        const [bAt, beta] = [gzBase + 4 * b * O * P, b === b0 ? 0 : 1];
        k.run({ m: K, n: O, k: P, a: 4 * colOff, aRs: 4 * P, aKs: 4, b: bAt, transB: true, pack: 4 * packOff, c: 4 * accOff, ldc: 4 * O, beta });
      }
    }, want);
    const acc = wasm.reserve(0);
    for (let t = 1; t < used; t++) {
      const other = own[3 * t + 2]!;
      for (let i = 0; i < K * O; i++) acc[own[2]! + i] += acc[other + i]!;
    }
    return own[2]!;
  }

  return { forward, gradInputs, gradFilters };
}
