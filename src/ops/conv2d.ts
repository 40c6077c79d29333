import { upcast, type TypedArray } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import { apply1, opToString, type GemmNT, type Op, type PerformContext } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { ShapeError } from '../util/errors.js';
import { scratch64 } from './scratch.js';
import { shapeOf } from './shape.js';
import {
  checkFits,
  checkHintRuntime,
  checkRank4,
  describeStatic,
  geometry,
  padFor,
  paramsRecord,
  refineWithHint,
  staticOutSize,
  type ConvGeometry,
  type ConvParams,
} from './conv-geometry.js';
import { conv2dGradInputs } from './conv2d-grad-input.js';
import { conv2dGradFilters } from './conv2d-grad-filters.js';

/**
 * 2-D convolution of a batch of multi-channel images with a bank of filters (Theano's AbstractConv2d):
 * input (batch, inChannels, rows, cols) ⊛ filters (outChannels, inChannels, fRows, fCols) →
 * (batch, outChannels, outRows, outCols), outRows = floor((rows + 2 pad - fRows) / stride) + 1.
 * `filterFlip` (default) flips the filters (a true convolution); otherwise it is a cross-correlation.
 *
 * Reference CPU implementation: per image, im2col into a (pixels × inChannels·fRows·fCols) float64 panel, then a
 * register-tiled product with the packed filters, accumulated in float64. Work space comes from scratch64.
 */
export class Conv2d implements Op {
  readonly name = 'conv2d';
  readonly params: Readonly<Record<string, unknown>>;
  constructor(readonly conv: ConvParams) {
    this.params = paramsRecord(conv);
  }

  inferTypes(inputs: readonly Variable[]): TensorType[] {
    const [x, w] = inputs as [Variable, Variable];
    checkRank4('conv2d', x, 'the input');
    checkRank4('conv2d', w, 'the filters');
    const p = this.conv;
    const xs = refineWithHint('conv2d', x, p.inputShape, 'inputShape');
    const ws = refineWithHint('conv2d', w, p.filterShape, 'filterShape');
    const what = (): string => `${describeStatic(x, p.inputShape, 'inputShape')} and ${describeStatic(w, p.filterShape, 'filterShape')}`;
    if (xs[1] !== null && ws[1] !== null && xs[1] !== ws[1]) {
      throw new ShapeError(`conv2d: the input has ${xs[1]} channels but the filters expect ${ws[1]}: ${what()}`);
    }
    for (const axis of [0, 1] as const) {
      const f = ws[2 + axis]!;
      checkFits('conv2d', axis, xs[2 + axis]!, f, f === null ? 0 : padFor(p.borderMode, axis, f), what);
    }
    const shape = [xs[0]!, ws[0]!, staticOutSize(xs[2]!, ws[2]!, p, 0), staticOutSize(xs[3]!, ws[3]!, p, 1)];
    return [new TensorType(upcast(x.dtype, w.dtype), shape)];
  }

  outputShapes(inputs: readonly NDArray[], node: Apply): number[][] {
    const g = this.runtimeGeometry(inputs, node);
    return [[g.batch, g.outC, g.outR, g.outW]];
  }

  private runtimeGeometry([x, w]: readonly NDArray[], node: Apply): ConvGeometry {
    const xs = x!.shape;
    const ws = w!.shape;
    const site = node.outputs[0]!.createdAt();
    const [xv, wv] = node.inputs as [Variable, Variable];
    checkHintRuntime('conv2d', this.conv.inputShape, 'inputShape', xs, xv, site);
    checkHintRuntime('conv2d', this.conv.filterShape, 'filterShape', ws, wv, site);
    const what = (): string => `${xv.describeWithShape(xs)} and ${wv.describeWithShape(ws)}`;
    if (xs[1] !== ws[1]) throw new ShapeError(`conv2d: the input has ${xs[1]} channels but the filters expect ${ws[1]}: ${what()}.${site}`);
    const g = geometry(this.conv, xs[0]!, xs[1]!, xs[2]!, xs[3]!, ws[0]!, ws[2]!, ws[3]!);
    checkFits('conv2d', 0, g.inR, g.fR, g.padR, what, site);
    checkFits('conv2d', 1, g.inW, g.fW, g.padW, what, site);
    return g;
  }

  perform(inputs: readonly NDArray[], [out]: NDArray[], node: Apply, ctx?: PerformContext): void {
    const g = this.runtimeGeometry(inputs, node);
    const X = inputs[0]!.data;
    const Y = out!.data;
    if (ctx?.conv?.forward(g, X, inputs[1]!.data, this.conv.filterFlip, Y)) return;
    const O = g.outC;
    const K = g.inC * g.fR * g.fW;
    const P = g.outR * g.outW;
    // Images in groups, each one product: filters (O×K) against the patches of every image of the group.
    const group = imagesPerProduct(g.batch, P, K);
    const imageSize = g.inC * g.inR * g.inW;
    const s = (ctx?.scratch ?? scratch64)(O * K + group * P * (K + O));
    const colOff = O * K;
    const accOff = colOff + group * P * K;
    packFilters(inputs[1]!.data, O, g.inC, g.fR, g.fW, this.conv.filterFlip, false, s, 0);
    for (let b0 = 0; b0 < g.batch; b0 += group) {
      const n = Math.min(group, g.batch - b0);
      const BP = n * P;
      for (let b = 0; b < n; b++) im2colRows(X, (b0 + b) * imageSize, g, s, colOff + b * P * K);
      s.fill(0, accOff, accOff + O * BP);
      (ctx?.gemmNT ?? gemmNT)(O, BP, K, s, 0, s, colOff, s, accOff, BP);
      for (let b = 0; b < n; b++) for (let o = 0; o < O; o++) copyOut(s, accOff + o * BP + b * P, Y, ((b0 + b) * O + o) * P, P);
    }
  }

  /** d/dinput = gradInputs(filters, gz), d/dfilters = gradFilters(input, gz); the spatial sizes travel as int scalars. */
  grad(inputs: readonly Variable[], _o: readonly Variable[], [gz]: readonly Variable[]): (Variable | null)[] {
    const [x, w] = inputs as [Variable, Variable];
    return [conv2dGradInputs(w, gz!, [shapeOf(x, 2), shapeOf(x, 3)], this.conv), conv2dGradFilters(x, gz!, [shapeOf(w, 2), shapeOf(w, 3)], this.conv)];
  }

  pp([x, w]: string[]): string {
    return `conv2d(${x}, ${w})`;
  }

  toString(): string {
    return opToString(this.name, this.params);
  }
}

/** The op-level builder (the user-facing one, with option checking, is T.nnet.conv2d). */
export function conv2d(input: Variable, filters: Variable, params: ConvParams): Variable {
  return apply1(new Conv2d(params), [input, filters]);
}

// ---------------------------------------------------------------------------------------------------------
// Kernels shared by the three ops. All work arrays are float64 regions of one scratch buffer, addressed by offset.

/**
 * Copies filters (O, C, fR, fW) into `dst` at `off` as float64, spatially flipped when `flip`: as an O × K matrix
 * (K = C·fR·fW, k = (c·fR + u)·fW + v), or as its K × O transpose when `transpose`.
 */
export function packFilters(
  w: TypedArray,
  O: number,
  C: number,
  fR: number,
  fW: number,
  flip: boolean,
  transpose: boolean,
  dst: Float64Array,
  off: number,
): void {
  const K = C * fR * fW;
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < C; c++) {
      for (let u = 0; u < fR; u++) {
        const srcRow = ((o * C + c) * fR + (flip ? fR - 1 - u : u)) * fW;
        const k0 = (c * fR + u) * fW;
        for (let v = 0; v < fW; v++) {
          const val = w[flip ? srcRow + fW - 1 - v : srcRow + v]!;
          if (transpose) dst[off + (k0 + v) * O + o] = val;
          else dst[off + o * K + k0 + v] = val;
        }
      }
    }
  }
}

/** The first output position j whose input position j·stride + v - pad is >= 0 (capped by `hi`). */
function validLo(v: number, pad: number, stride: number, hi: number): number {
  return v >= pad ? 0 : Math.min(hi, Math.ceil((pad - v) / stride));
}

/** One past the last output position j (< outN) whose input position j·stride + v - pad is < n. */
function validHi(outN: number, n: number, v: number, pad: number, stride: number): number {
  return n - 1 + pad - v < 0 ? 0 : Math.min(outN, Math.floor((n - 1 + pad - v) / stride) + 1);
}

/**
 * im2col with one row per output pixel: dst[off + p·K + k] = padded input at pixel p = (i, j), tap k = (c, u, v)
 * of the image starting at `xOff` (zeros where the tap falls in the padding). P × K, contiguous in k.
 */
export function im2colRows(x: TypedArray, xOff: number, g: ConvGeometry, dst: Float64Array, off: number): void {
  const { inC: C, inR: H, inW: W, fR, fW, padR, padW, strideR, strideW, outR, outW } = g;
  const K = C * fR * fW;
  for (let i = 0; i < outR; i++) {
    const r0 = i * strideR - padR;
    for (let j = 0; j < outW; j++) {
      const s0 = j * strideW - padW;
      const vLo = s0 >= 0 ? 0 : Math.min(fW, -s0);
      const vHi = Math.max(vLo, Math.min(fW, W - s0));
      let d = off + (i * outW + j) * K;
      for (let c = 0; c < C; c++) {
        for (let u = 0; u < fR; u++) {
          const r = r0 + u;
          if (r < 0 || r >= H) {
            for (let v = 0; v < fW; v++) dst[d + v] = 0;
          } else {
            const src = xOff + (c * H + r) * W + s0;
            for (let v = 0; v < vLo; v++) dst[d + v] = 0;
            for (let v = vLo; v < vHi; v++) dst[d + v] = x[src + v]!;
            for (let v = vHi; v < fW; v++) dst[d + v] = 0;
          }
          d += fW;
        }
      }
    }
  }
}

/**
 * im2col with one row per tap: dst[off + k·P + p] (K × P, contiguous in the output pixel p), for the image at `xOff`.
 */
export function im2colTaps(x: TypedArray, xOff: number, g: ConvGeometry, dst: Float64Array, off: number, ld = g.outR * g.outW): void {
  const { inC: C, inR: H, inW: W, fR, fW, padR, padW, strideR, strideW, outR, outW } = g;
  const P = outR * outW;
  for (let c = 0; c < C; c++) {
    for (let u = 0; u < fR; u++) {
      const iHi = validHi(outR, H, u, padR, strideR);
      const iLo = validLo(u, padR, strideR, iHi);
      for (let v = 0; v < fW; v++) {
        const jHi = validHi(outW, W, v, padW, strideW);
        const jLo = validLo(v, padW, strideW, jHi);
        const row = off + ((c * fR + u) * fW + v) * ld;
        dst.fill(0, row, row + iLo * outW);
        for (let i = iLo; i < iHi; i++) {
          const d = row + i * outW;
          const src = xOff + (c * H + i * strideR + u - padR) * W + v - padW;
          for (let j = 0; j < jLo; j++) dst[d + j] = 0;
          if (strideW === 1) for (let j = jLo; j < jHi; j++) dst[d + j] = x[src + j]!;
          else for (let j = jLo; j < jHi; j++) dst[d + j] = x[src + j * strideW]!;
          for (let j = jHi; j < outW; j++) dst[d + j] = 0;
        }
        dst.fill(0, row + iHi * outW, row + P);
      }
    }
  }
}

/** col2im: adds a K × P tap panel (at `off`) into a float64 image (C, H, W) at `imgOff`; taps in the padding are dropped. */
export function col2imTaps(src: Float64Array, off: number, g: ConvGeometry, img: Float64Array, imgOff: number, ld = g.outR * g.outW): void {
  const { inC: C, inR: H, inW: W, fR, fW, padR, padW, strideR, strideW, outR, outW } = g;
  for (let c = 0; c < C; c++) {
    for (let u = 0; u < fR; u++) {
      const iHi = validHi(outR, H, u, padR, strideR);
      const iLo = validLo(u, padR, strideR, iHi);
      for (let v = 0; v < fW; v++) {
        const jHi = validHi(outW, W, v, padW, strideW);
        const jLo = validLo(v, padW, strideW, jHi);
        const row = off + ((c * fR + u) * fW + v) * ld;
        for (let i = iLo; i < iHi; i++) {
          const s = row + i * outW;
          const d = imgOff + (c * H + i * strideR + u - padR) * W + v - padW;
          if (strideW === 1) for (let j = jLo; j < jHi; j++) img[d + j] += src[s + j]!;
          else for (let j = jLo; j < jHi; j++) img[d + j * strideW] += src[s + j]!;
        }
      }
    }
  }
}

/**
 * C[cOff + i·ldc + j] += Σ_k A[aOff + i·K + k] · B[bOff + j·K + k] for i < M, j < N: both operands row-major with
 * the summed axis contiguous. 4 × 4 register tiles (16 float64 accumulators in locals, 8 loads per 16
 * multiply-adds); the edges in 4 × 1, 1 × 4 and 1 × 1 strips.
 */
export const gemmNT: GemmNT = (M, N, K, A, aOff, B, bOff, C, cOff, ldc) => {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  const K2 = 2 * K;
  const K3 = 3 * K;
  for (let i = 0; i < M4; i += 4) {
    const a0 = aOff + i * K;
    for (let j = 0; j < N4; j += 4) {
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let s20 = 0,
        s21 = 0,
        s22 = 0,
        s23 = 0,
        s30 = 0,
        s31 = 0,
        s32 = 0,
        s33 = 0;
      let pb = bOff + j * K;
      const end = a0 + K;
      for (let pa = a0; pa < end; pa++, pb++) {
        const y0 = B[pb]!,
          y1 = B[pb + K]!,
          y2 = B[pb + K2]!,
          y3 = B[pb + K3]!;
        let x = A[pa]!;
        s00 += x * y0;
        s01 += x * y1;
        s02 += x * y2;
        s03 += x * y3;
        x = A[pa + K]!;
        s10 += x * y0;
        s11 += x * y1;
        s12 += x * y2;
        s13 += x * y3;
        x = A[pa + K2]!;
        s20 += x * y0;
        s21 += x * y1;
        s22 += x * y2;
        s23 += x * y3;
        x = A[pa + K3]!;
        s30 += x * y0;
        s31 += x * y1;
        s32 += x * y2;
        s33 += x * y3;
      }
      let c = cOff + i * ldc + j;
      C[c] += s00;
      C[c + 1] += s01;
      C[c + 2] += s02;
      C[c + 3] += s03;
      c += ldc;
      C[c] += s10;
      C[c + 1] += s11;
      C[c + 2] += s12;
      C[c + 3] += s13;
      c += ldc;
      C[c] += s20;
      C[c + 1] += s21;
      C[c + 2] += s22;
      C[c + 3] += s23;
      c += ldc;
      C[c] += s30;
      C[c + 1] += s31;
      C[c + 2] += s32;
      C[c + 3] += s33;
    }
    for (let j = N4; j < N; j++) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      let pb = bOff + j * K;
      const end = a0 + K;
      for (let pa = a0; pa < end; pa++, pb++) {
        const y = B[pb]!;
        s0 += A[pa]! * y;
        s1 += A[pa + K]! * y;
        s2 += A[pa + K2]! * y;
        s3 += A[pa + K3]! * y;
      }
      const c = cOff + i * ldc + j;
      C[c] += s0;
      C[c + ldc] += s1;
      C[c + 2 * ldc] += s2;
      C[c + 3 * ldc] += s3;
    }
  }
  for (let i = M4; i < M; i++) {
    const a0 = aOff + i * K;
    const end = a0 + K;
    for (let j = 0; j < N4; j += 4) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      let pb = bOff + j * K;
      for (let pa = a0; pa < end; pa++, pb++) {
        const x = A[pa]!;
        s0 += x * B[pb]!;
        s1 += x * B[pb + K]!;
        s2 += x * B[pb + K2]!;
        s3 += x * B[pb + K3]!;
      }
      const c = cOff + i * ldc + j;
      C[c] += s0;
      C[c + 1] += s1;
      C[c + 2] += s2;
      C[c + 3] += s3;
    }
    for (let j = N4; j < N; j++) {
      let s = 0;
      let pb = bOff + j * K;
      for (let pa = a0; pa < end; pa++, pb++) s += A[pa]! * B[pb]!;
      C[cOff + i * ldc + j] += s;
    }
  }
};

/** dst[dOff + i] = src[sOff + i] for i < n (float64 work area into an output of either float dtype). */
/** How many images one product takes: all of a mini-batch, but patch matrices of at most ~4M values (big batches). */
export function imagesPerProduct(batch: number, P: number, K: number): number {
  return Math.max(1, Math.min(batch, Math.floor(4_000_000 / (P * K))));
}

export function copyOut(src: Float64Array, sOff: number, dst: TypedArray, dOff: number, n: number): void {
  for (let i = 0; i < n; i++) dst[dOff + i] = src[sOff + i]!;
}
