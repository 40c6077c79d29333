/**
 * Float64 references for 2-D convolution, independent of tsano (no tsano imports). They start from the textbook
 * definition of a full discrete convolution, y[t] = Σ_m x[m] · w[t - m] (per axis), and read Theano's modes
 * off it: output index i of a convolution with padding p and stride s is full-convolution index
 * t = i·s - p + f - 1. Cross-correlation (filterFlip false) is the convolution with the spatially flipped filter.
 * The gradient references are the partial derivatives of that same sum, written out directly.
 */
import { arr, type Arr } from './reference.js';

export type RefBorder = 'valid' | 'full' | 'half' | number | [number, number];

export interface RefConvOpts {
  border?: RefBorder;
  stride?: [number, number];
  flip?: boolean;
}

function pads(border: RefBorder, fr: number, fc: number): [number, number] {
  if (border === 'valid') return [0, 0];
  if (border === 'full') return [fr - 1, fc - 1];
  if (border === 'half') return [Math.floor(fr / 2), Math.floor(fc / 2)];
  if (typeof border === 'number') return [border, border];
  return border;
}

/** Output rows/cols of the reference. */
export function refOutSize(n: number, f: number, pad: number, stride: number): number {
  // Count the full-convolution indices t = i·s - p + f - 1 whose window stays inside the padded input (t <= n - 1 + p).
  let count = 0;
  for (let i = 0; i * stride - pad + f - 1 <= n - 1 + pad; i++) count++;
  return count;
}

/** w[o, c, fr-1-u, fc-1-v]. */
function flipped(w: Arr): Arr {
  const [O, C, fr, fc] = w.shape as [number, number, number, number];
  const out = arr(w.shape);
  for (let o = 0; o < O; o++)
    for (let c = 0; c < C; c++)
      for (let u = 0; u < fr; u++)
        for (let v = 0; v < fc; v++) out.data[((o * C + c) * fr + u) * fc + v] = w.data[((o * C + c) * fr + (fr - 1 - u)) * fc + (fc - 1 - v)]!;
  return out;
}

interface Geo {
  B: number;
  C: number;
  H: number;
  W: number;
  O: number;
  fr: number;
  fc: number;
  pr: number;
  pc: number;
  sr: number;
  sc: number;
  oh: number;
  ow: number;
}

function geo(xShape: number[], wShape: number[], o: RefConvOpts): Geo {
  const [B, C, H, W] = xShape as [number, number, number, number];
  const [O, , fr, fc] = wShape as [number, number, number, number];
  const [pr, pc] = pads(o.border ?? 'valid', fr, fc);
  const [sr, sc] = o.stride ?? [1, 1];
  return { B, C, H, W, O, fr, fc, pr, pc, sr, sc, oh: refOutSize(H, fr, pr, sr), ow: refOutSize(W, fc, pc, sc) };
}

/** conv2d(x (B,C,H,W), w (O,C,fr,fc)) by the textbook sum over input pixels. */
export function refConv2d(x: Arr, w: Arr, o: RefConvOpts = {}): Arr {
  const g = geo(x.shape, w.shape, o);
  const k = (o.flip ?? true) ? w : flipped(w);
  const out = arr([g.B, g.O, g.oh, g.ow]);
  for (let b = 0; b < g.B; b++)
    for (let q = 0; q < g.O; q++)
      for (let i = 0; i < g.oh; i++)
        for (let j = 0; j < g.ow; j++) {
          const tr = i * g.sr - g.pr + g.fr - 1;
          const tc = j * g.sc - g.pc + g.fc - 1;
          let s = 0;
          // Only the input pixels the filter reaches: 0 <= t - m < fr.
          for (let c = 0; c < g.C; c++)
            for (let m = Math.max(0, tr - g.fr + 1); m <= Math.min(g.H - 1, tr); m++) {
              const a = tr - m;
              for (let n = Math.max(0, tc - g.fc + 1); n <= Math.min(g.W - 1, tc); n++) {
                const bb = tc - n;
                s += x.data[((b * g.C + c) * g.H + m) * g.W + n]! * k.data[((q * g.C + c) * g.fr + a) * g.fc + bb]!;
              }
            }
          out.data[((b * g.O + q) * g.oh + i) * g.ow + j] = s;
        }
  return out;
}

/** d/dx of Σ gz · conv2d(x, w), for x of shape xShape: Σ_{o,i,j} gz[b,o,i,j] · w'[o, c, t_i - m, t_j - n]. */
export function refConvGradInput(w: Arr, gz: Arr, xShape: number[], o: RefConvOpts = {}): Arr {
  const g = geo(xShape, w.shape, o);
  const k = (o.flip ?? true) ? w : flipped(w);
  const gx = arr(xShape);
  for (let b = 0; b < g.B; b++)
    for (let c = 0; c < g.C; c++)
      for (let m = 0; m < g.H; m++)
        for (let n = 0; n < g.W; n++) {
          let s = 0;
          for (let q = 0; q < g.O; q++)
            for (let i = 0; i < g.oh; i++) {
              const a = i * g.sr - g.pr + g.fr - 1 - m;
              if (a < 0 || a >= g.fr) continue;
              for (let j = 0; j < g.ow; j++) {
                const bb = j * g.sc - g.pc + g.fc - 1 - n;
                if (bb < 0 || bb >= g.fc) continue;
                s += gz.data[((b * g.O + q) * g.oh + i) * g.ow + j]! * k.data[((q * g.C + c) * g.fr + a) * g.fc + bb]!;
              }
            }
          gx.data[((b * g.C + c) * g.H + m) * g.W + n] = s;
        }
  return gx;
}

/** d/dw of Σ gz · conv2d(x, w), for w of shape wShape: Σ_{b,i,j} gz[b,o,i,j] · x[b, c, t_i - a, t_j - b']. */
export function refConvGradFilters(x: Arr, gz: Arr, wShape: number[], o: RefConvOpts = {}): Arr {
  const g = geo(x.shape, wShape, o);
  const gk = arr(wShape);
  for (let q = 0; q < g.O; q++)
    for (let c = 0; c < g.C; c++)
      for (let a = 0; a < g.fr; a++)
        for (let bb = 0; bb < g.fc; bb++) {
          let s = 0;
          for (let b = 0; b < g.B; b++)
            for (let i = 0; i < g.oh; i++) {
              const m = i * g.sr - g.pr + g.fr - 1 - a;
              if (m < 0 || m >= g.H) continue;
              for (let j = 0; j < g.ow; j++) {
                const n = j * g.sc - g.pc + g.fc - 1 - bb;
                if (n < 0 || n >= g.W) continue;
                s += gz.data[((b * g.O + q) * g.oh + i) * g.ow + j]! * x.data[((b * g.C + c) * g.H + m) * g.W + n]!;
              }
            }
          gk.data[((q * g.C + c) * g.fr + a) * g.fc + bb] = s;
        }
  // The sum above is the derivative with respect to the (possibly flipped) kernel actually applied.
  return (o.flip ?? true) ? gk : flipped(gk);
}
