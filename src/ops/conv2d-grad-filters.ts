import { upcast } from '../ir/dtype.js';
import type { NDArray } from '../ir/ndarray.js';
import { apply1, opToString, type Op, type PerformContext } from '../ir/op.js';
import { TensorType } from '../ir/type.js';
import type { Apply, Variable } from '../ir/variable.js';
import { ShapeError } from '../util/errors.js';
import { formatShape } from '../util/shape.js';
import { scratch64 } from './scratch.js';
import { shapeOf } from './shape.js';
import {
  checkFits,
  checkHintRuntime,
  checkIntScalar,
  checkRank4,
  constValue,
  convOutSize,
  describeStatic,
  geometry,
  padFor,
  paramsRecord,
  refineWithHint,
  runtimeSize,
  type ConvGeometry,
  type ConvParams,
} from './conv-geometry.js';
import { conv2d, gemmNT, im2colTaps, imagesPerProduct } from './conv2d.js';
import { conv2dGradInputs } from './conv2d-grad-input.js';

const NAME = 'conv2dGradFilters';

/**
 * The gradient of conv2d with respect to its filters (Theano's AbstractConv2d_gradWeights): inputs
 * (input, gz, fRows, fCols) → (outChannels, inChannels, fRows, fCols), where gz is the gradient of the convolution's
 * output. Per image, gz (O × pixels) times the im2col panel (taps × pixels)ᵀ, summed over the batch in float64,
 * then flipped back when the convolution flips its filters.
 */
export class Conv2dGradFilters implements Op {
  readonly name = NAME;
  readonly params: Readonly<Record<string, unknown>>;
  constructor(readonly conv: ConvParams) {
    this.params = paramsRecord(conv);
  }

  inferTypes(inputs: readonly Variable[]): TensorType[] {
    const [x, gz, fRows, fCols] = inputs as [Variable, Variable, Variable, Variable];
    checkRank4(NAME, x, 'the input');
    checkRank4(NAME, gz, 'the output gradient');
    checkIntScalar(NAME, fRows, 'the filter rows');
    checkIntScalar(NAME, fCols, 'the filter cols');
    const p = this.conv;
    const xs = refineWithHint(NAME, x, p.inputShape, 'inputShape');
    const gs = gz.type.shape;
    const what = (): string => `${describeStatic(x, p.inputShape, 'inputShape')} and ${gz.describe()}`;
    if (xs[0] !== null && gs[0] !== null && xs[0] !== gs[0]) {
      throw new ShapeError(`${NAME}: the input has a batch of ${xs[0]} but the output gradient one of ${gs[0]}: ${what()}`);
    }
    const hint = p.filterShape;
    const size = [0, 1].map((a) => {
      const axis = a as 0 | 1;
      const n = xs[2 + axis]!;
      const out = gs[2 + axis]!;
      const stride = p.subsample[axis];
      let f = constValue(axis === 0 ? fRows : fCols) ?? hint?.[2 + axis] ?? null;
      // Without strides (and for modes whose padding does not depend on f's parity) f follows from the sizes.
      if (f === null && n !== null && out !== null && stride === 1 && p.borderMode !== 'half') {
        const bm = p.borderMode;
        f = bm === 'full' ? out - n + 1 : bm === 'valid' ? n - out + 1 : n + 2 * bm[axis] - out + 1;
      }
      if (n !== null && f !== null) {
        const pad = padFor(p.borderMode, axis, f);
        checkFits(NAME, axis, n, f, pad, what);
        if (out !== null && convOutSize(n, f, pad, stride) !== out) {
          throw new ShapeError(
            `${NAME}: filters of ${f} ${axis === 0 ? 'rows' : 'cols'} do not give the ${out} of the output gradient from an input of ${n}: ${what()}`,
          );
        }
      }
      return f;
    });
    const shape = [gs[1] ?? hint?.[0] ?? null, xs[1] ?? hint?.[1] ?? null, size[0]!, size[1]!];
    return [new TensorType(upcast(x.dtype, gz.dtype), shape)];
  }

  outputShapes(inputs: readonly NDArray[], node: Apply): number[][] {
    const g = this.runtimeGeometry(inputs, node);
    return [[g.outC, g.inC, g.fR, g.fW]];
  }

  private runtimeGeometry([x, gz, fRows, fCols]: readonly NDArray[], node: Apply): ConvGeometry {
    const site = node.outputs[0]!.createdAt();
    const [xv, gv] = node.inputs as [Variable, Variable];
    const xs = x!.shape;
    const gs = gz!.shape;
    checkHintRuntime(NAME, this.conv.inputShape, 'inputShape', xs, xv, site);
    const what = (): string => `${xv.describeWithShape(xs)} and ${gv.describeWithShape(gs)}`;
    if (xs[0] !== gs[0]) throw new ShapeError(`${NAME}: the input has a batch of ${xs[0]} but the output gradient one of ${gs[0]}: ${what()}.${site}`);
    const fR = runtimeSize(NAME, fRows!, 'the filter rows', site);
    const fW = runtimeSize(NAME, fCols!, 'the filter cols', site);
    const g = geometry(this.conv, xs[0]!, xs[1]!, xs[2]!, xs[3]!, gs[1]!, fR, fW);
    checkFits(NAME, 0, g.inR, fR, g.padR, what, site);
    checkFits(NAME, 1, g.inW, fW, g.padW, what, site);
    if (g.outR !== gs[2] || g.outW !== gs[3]) {
      throw new ShapeError(
        `${NAME}: filters of size ${formatShape([fR, fW])} give outputs of size ${formatShape([g.outR, g.outW])}, not the output gradient's: ${what()}.${site}`,
      );
    }
    return g;
  }

  perform(inputs: readonly NDArray[], [out]: NDArray[], node: Apply, ctx?: PerformContext): void {
    const g = this.runtimeGeometry(inputs, node);
    const X = inputs[0]!.data;
    const GZ = inputs[1]!.data;
    const GW = out!.data;
    if (ctx?.conv?.gradFilters(g, X, GZ, this.conv.filterFlip, GW)) return;
    const { outC: O, inC: C, fR, fW } = g;
    const K = C * fR * fW;
    const P = g.outR * g.outW;
    const imageSize = C * g.inR * g.inW;
    // Images in groups, each one product added into the filters' gradient: gz of every image of the group
    // (O × n·P) against its patches (K × n·P).
    const group = imagesPerProduct(g.batch, P, K);
    const gzOff = O * K;
    const colOff = gzOff + O * group * P;
    const s = (ctx?.scratch ?? scratch64)(colOff + K * group * P);
    s.fill(0, 0, O * K);
    for (let b0 = 0; b0 < g.batch; b0 += group) {
      const n = Math.min(group, g.batch - b0);
      const BP = n * P;
      for (let b = 0; b < n; b++) {
        for (let o = 0; o < O; o++) {
          const src = ((b0 + b) * O + o) * P;
          const dst = gzOff + o * BP + b * P;
          for (let q = 0; q < P; q++) s[dst + q] = GZ[src + q]!;
        }
        im2colTaps(X, (b0 + b) * imageSize, g, s, colOff + b * P, BP);
      }
      (ctx?.gemmNT ?? gemmNT)(O, K, BP, s, gzOff, s, colOff, s, 0, K);
    }
    // Unpack (o, k) with k = (c, u, v) into the filters' layout, flipping back when the convolution flips.
    const flip = this.conv.filterFlip;
    for (let o = 0; o < O; o++) {
      for (let c = 0; c < C; c++) {
        for (let u = 0; u < fR; u++) {
          const src = o * K + (c * fR + (flip ? fR - 1 - u : u)) * fW;
          const dst = ((o * C + c) * fR + u) * fW;
          if (flip) for (let v = 0; v < fW; v++) GW[dst + v] = s[src + fW - 1 - v]!;
          else for (let v = 0; v < fW; v++) GW[dst + v] = s[src + v]!;
        }
      }
    }
  }

  /** Linear in (input, gz): d/dinput = gradInputs(ḡ, gz), d/dgz = conv2d(input, ḡ); none to the sizes. */
  grad(inputs: readonly Variable[], _o: readonly Variable[], [gbar]: readonly Variable[]): (Variable | null)[] {
    const [x, gz] = inputs as [Variable, Variable];
    return [conv2dGradInputs(gbar!, gz, [shapeOf(x, 2), shapeOf(x, 3)], this.conv), conv2d(x, gbar!, this.conv), null, null];
  }

  toString(): string {
    return opToString(this.name, this.params);
  }
}

/** `shape` is the filters' [rows, cols] as int scalars (e.g. shapeOf(w, 2), shapeOf(w, 3)). */
export function conv2dGradFilters(input: Variable, gz: Variable, shape: readonly [Variable, Variable], params: ConvParams): Variable {
  return apply1(new Conv2dGradFilters(params), [input, gz, shape[0], shape[1]]);
}
