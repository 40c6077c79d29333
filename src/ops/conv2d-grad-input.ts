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
import { col2imTaps, conv2d, copyOut, gemmNT, imagesPerProduct, packFilters } from './conv2d.js';
import { conv2dGradFilters } from './conv2d-grad-filters.js';

const NAME = 'conv2dGradInputs';

/**
 * The gradient of conv2d with respect to its input (Theano's AbstractConv2d_gradInputs): inputs
 * (filters, gz, rows, cols) → (batch, inChannels, rows, cols), where gz is the gradient of the convolution's output
 * and rows, cols the input's spatial size as int scalars (with strides they cannot be recovered from gz alone).
 * It is the adjoint of conv2d in its input: gx = col2im(packedFiltersᵀ · gz), accumulated in float64.
 */
export class Conv2dGradInputs implements Op {
  readonly name = NAME;
  readonly params: Readonly<Record<string, unknown>>;
  constructor(readonly conv: ConvParams) {
    this.params = paramsRecord(conv);
  }

  inferTypes(inputs: readonly Variable[]): TensorType[] {
    const [w, gz, rows, cols] = inputs as [Variable, Variable, Variable, Variable];
    checkRank4(NAME, w, 'the filters');
    checkRank4(NAME, gz, 'the output gradient');
    checkIntScalar(NAME, rows, 'the input rows');
    checkIntScalar(NAME, cols, 'the input cols');
    const p = this.conv;
    const ws = refineWithHint(NAME, w, p.filterShape, 'filterShape');
    const gs = gz.type.shape;
    const what = (): string => `${describeStatic(w, p.filterShape, 'filterShape')} and ${gz.describe()}`;
    if (ws[0] !== null && gs[1] !== null && ws[0] !== gs[1]) {
      throw new ShapeError(`${NAME}: the filters have ${ws[0]} output channels but the output gradient has ${gs[1]}: ${what()}`);
    }
    const hint = p.inputShape;
    const size = [0, 1].map((a) => {
      const axis = a as 0 | 1;
      const f = ws[2 + axis]!;
      const out = gs[2 + axis]!;
      const stride = p.subsample[axis];
      let n = constValue(axis === 0 ? rows : cols) ?? hint?.[2 + axis] ?? null;
      // Without strides the input size follows from the output size; with them some rows may have been dropped.
      if (n === null && f !== null && out !== null && stride === 1) n = out - 1 + f - 2 * padFor(p.borderMode, axis, f);
      if (n !== null && f !== null) {
        const pad = padFor(p.borderMode, axis, f);
        checkFits(NAME, axis, n, f, pad, what);
        if (out !== null && convOutSize(n, f, pad, stride) !== out) {
          throw new ShapeError(
            `${NAME}: an input of ${n} ${axis === 0 ? 'rows' : 'cols'} does not give the ${out} of the output gradient with filters of size ${f}: ${what()}`,
          );
        }
      }
      return n;
    });
    const shape = [gs[0] ?? hint?.[0] ?? null, ws[1] ?? hint?.[1] ?? null, size[0]!, size[1]!];
    return [new TensorType(upcast(w.dtype, gz.dtype), shape)];
  }

  outputShapes(inputs: readonly NDArray[], node: Apply): number[][] {
    const g = this.runtimeGeometry(inputs, node);
    return [[g.batch, g.inC, g.inR, g.inW]];
  }

  private runtimeGeometry([w, gz, rows, cols]: readonly NDArray[], node: Apply): ConvGeometry {
    const site = node.outputs[0]!.createdAt();
    const [wv, gv] = node.inputs as [Variable, Variable];
    const ws = w!.shape;
    const gs = gz!.shape;
    checkHintRuntime(NAME, this.conv.filterShape, 'filterShape', ws, wv, site);
    const what = (): string => `${wv.describeWithShape(ws)} and ${gv.describeWithShape(gs)}`;
    if (ws[0] !== gs[1]) throw new ShapeError(`${NAME}: the filters have ${ws[0]} output channels but the output gradient has ${gs[1]}: ${what()}.${site}`);
    const H = runtimeSize(NAME, rows!, 'the input rows', site);
    const W = runtimeSize(NAME, cols!, 'the input cols', site);
    const g = geometry(this.conv, gs[0]!, ws[1]!, H, W, ws[0]!, ws[2]!, ws[3]!);
    checkFits(NAME, 0, H, g.fR, g.padR, what, site);
    checkFits(NAME, 1, W, g.fW, g.padW, what, site);
    if (g.outR !== gs[2] || g.outW !== gs[3]) {
      throw new ShapeError(
        `${NAME}: an input of size ${formatShape([H, W])} gives outputs of size ${formatShape([g.outR, g.outW])}, not the output gradient's: ${what()}.${site}`,
      );
    }
    return g;
  }

  perform(inputs: readonly NDArray[], [out]: NDArray[], node: Apply, ctx?: PerformContext): void {
    const g = this.runtimeGeometry(inputs, node);
    const GZ = inputs[1]!.data;
    const GX = out!.data;
    if (ctx?.conv?.gradInputs(g, inputs[0]!.data, GZ, this.conv.filterFlip, GX)) return;
    const O = g.outC;
    const K = g.inC * g.fR * g.fW;
    const P = g.outR * g.outW;
    // Images in groups, each one product: filtersᵀ (K×O) against gzᵀ of every image of the group (P rows of O each).
    const group = imagesPerProduct(g.batch, P, K);
    const imageSize = g.inC * g.inR * g.inW;
    const gzTOff = K * O;
    const colOff = gzTOff + group * P * O;
    const imgOff = colOff + K * group * P;
    const s = (ctx?.scratch ?? scratch64)(imgOff + imageSize);
    packFilters(inputs[0]!.data, O, g.inC, g.fR, g.fW, this.conv.filterFlip, true, s, 0);
    for (let b0 = 0; b0 < g.batch; b0 += group) {
      const n = Math.min(group, g.batch - b0);
      const BP = n * P;
      for (let b = 0; b < n; b++) {
        const gzOff = (b0 + b) * O * P;
        const rows = gzTOff + b * P * O;
        for (let o = 0; o < O; o++) for (let q = 0; q < P; q++) s[rows + q * O + o] = GZ[gzOff + o * P + q]!;
      }
      s.fill(0, colOff, colOff + K * BP);
      (ctx?.gemmNT ?? gemmNT)(K, BP, O, s, 0, s, gzTOff, s, colOff, BP);
      for (let b = 0; b < n; b++) {
        s.fill(0, imgOff, imgOff + imageSize);
        col2imTaps(s, colOff + b * P, g, s, imgOff, BP);
        copyOut(s, imgOff, GX, (b0 + b) * imageSize, imageSize);
      }
    }
  }

  /** Linear in (filters, gz): d/dfilters = gradFilters(ḡ, gz), d/dgz = conv2d(ḡ, filters); none to the sizes. */
  grad(inputs: readonly Variable[], _o: readonly Variable[], [gbar]: readonly Variable[]): (Variable | null)[] {
    const [w, gz] = inputs as [Variable, Variable];
    return [conv2dGradFilters(gbar!, gz, [shapeOf(w, 2), shapeOf(w, 3)], this.conv), conv2d(gbar!, w, this.conv), null, null];
  }

  toString(): string {
    return opToString(this.name, this.params);
  }
}

/** `shape` is the input's [rows, cols] as int scalars (e.g. shapeOf(x, 2), shapeOf(x, 3)). */
export function conv2dGradInputs(filters: Variable, gz: Variable, shape: readonly [Variable, Variable], params: ConvParams): Variable {
  return apply1(new Conv2dGradInputs(params), [filters, gz, shape[0], shape[1]]);
}
