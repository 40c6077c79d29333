/**
 * Max pooling and its gradient, the whole-2×2-window fast path (src/ops/pool2d-fast.ts) and the general loops,
 * against naive loops written here: random shapes of rank 2 to 5, float32 and float64, values drawn mostly from
 * a few integers (ties) with NaN of either sign, ±0 and ±Infinity, compared element by element with Object.is
 * (so -0 and +0 differ). The ops run through perform into outputs filled with garbage, as the runtime reuses
 * buffers: the fast gradient writes every element instead of zero-filling.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { T } from '../../src/index.js';
import { NDArray } from '../../src/ir/ndarray.js';
import type { Apply } from '../../src/ir/variable.js';
import { GeometryCache, resolvePoolOptions, type Pool2dOptions, type PoolParams } from '../../src/ops/pool-geometry.js';
import { pool2d } from '../../src/ops/pool2d.js';
import { pool2dGrad } from '../../src/ops/pool2d-grad.js';
import * as R from '../helpers/reference.js';

type Float = 'float32' | 'float64';
type Data = Float32Array | Float64Array;

const CONFIGS: Pool2dOptions[] = [
  { ws: 2 }, // fast
  { ws: 2, ignoreBorder: false }, // fast when both sizes are even
  { ws: 2, stride: 1 },
  { ws: 2, pad: 1 },
  { ws: [3, 2], ignoreBorder: false },
  { ws: [1, 2], stride: [1, 3] },
];

/** One axis's windows as [start, end) of real elements: kept whole with ignoreBorder, else while they add one. */
function axisWindows(n: number, ws: number, stride: number, pad: number, ignoreBorder: boolean): [number, number][] {
  const len = n + 2 * pad;
  const out: [number, number][] = [];
  for (let s = 0; ; s += stride) {
    if (ignoreBorder ? s + ws > len : s >= len || (out.length > 0 && s - stride + ws >= len)) break;
    out.push([Math.max(s - pad, 0), Math.min(s + ws - pad, n)]);
  }
  return out;
}

/** Calls f(plane offset, output index, the window's flat indices) for every window, in output order. */
function eachWindow(shape: readonly number[], p: PoolParams, f: (o: number, ks: number[]) => void): number[] {
  const h = shape.at(-2)!;
  const w = shape.at(-1)!;
  const rows = axisWindows(h, p.ws[0], p.stride[0], p.pad[0], p.ignoreBorder);
  const cols = axisWindows(w, p.ws[1], p.stride[1], p.pad[1], p.ignoreBorder);
  let o = 0;
  for (let base = 0; base < R.sizeOf(shape); base += h * w) {
    for (const [r0, r1] of rows) {
      for (const [c0, c1] of cols) {
        const ks: number[] = [];
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) ks.push(base + r * w + c);
        f(o++, ks);
      }
    }
  }
  return [...shape.slice(0, -2), rows.length, cols.length];
}

function refMax(x: Data, shape: readonly number[], p: PoolParams): number[] {
  const out: number[] = [];
  eachWindow(shape, p, (_o, ks) => out.push(ks.reduce((m, k) => Math.max(m, x[k]!), -Infinity)));
  return out;
}

/** Every element equal to its window's z gets gz, added up (rounded as the output's type) over windows. */
function refGrad(x: Data, z: Data, gz: Data, shape: readonly number[], p: PoolParams): Data {
  const gx = x instanceof Float32Array ? new Float32Array(x.length) : new Float64Array(x.length);
  eachWindow(shape, p, (o, ks) => ks.forEach((k) => x[k] === z[o] && (gx[k] += gz[o]!)));
  return gx;
}

/** Values from a few integers (so windows tie), sometimes NaN of either sign, ±0, ±Infinity or a fraction. */
function draw(dtype: Float, n: number, rand: () => number, specials: boolean): Data {
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const negNaN: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = rand();
    if (specials && u < 0.04) a[i] = NaN;
    else if (specials && u < 0.06) negNaN.push(i);
    else if (u < 0.12) a[i] = -0;
    else if (specials && u < 0.16) a[i] = rand() < 0.5 ? Infinity : -Infinity;
    else if (u < 0.3) a[i] = rand() * 4 - 2;
    else a[i] = Math.floor(rand() * 5) - 2;
  }
  // NaN with the sign bit set (its bits, as JS arithmetic never makes one).
  const words = new Uint32Array(a.buffer);
  for (const i of negNaN) {
    if (a instanceof Float32Array) words[i] = 0xffc00000;
    else [words[2 * i], words[2 * i + 1]] = [0, 0xfff80000];
  }
  return a;
}

function perform(node: Apply, inputs: NDArray[]): NDArray {
  const shape = node.op.outputShapes(inputs, node)[0]!;
  const out = new NDArray(inputs[0]!.dtype, shape, new (inputs[0]!.data.constructor as Float64ArrayConstructor)(R.sizeOf(shape)).fill(7.25));
  node.op.perform(inputs, [out], node);
  return out;
}

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) expect.fail(`${what}: element ${i} is ${got[i]}, expected ${want[i]}`);
  }
}

const caseArb = fc
  .record({
    lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
    // Half the cases on the fast configurations.
    config: fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: 2, max: CONFIGS.length - 1 })),
    dtype: fc.constantFrom<Float>('float32', 'float64'),
    specials: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1e9 }),
  })
  .map((c) => ({ ...c, p: resolvePoolOptions(CONFIGS[c.config]) }))
  .filter(({ h, w, p }) => !p.ignoreBorder || (h + 2 * p.pad[0] >= p.ws[0] && w + 2 * p.pad[1] >= p.ws[1]));

describe('maxPool2d fast path and general loops against a naive loop', () => {
  it('forward and gradient, exact to the bit: ties, NaN, ±0, ranks 2-5, both float types', () => {
    let fast = 0;
    fc.assert(
      fc.property(caseArb, ({ lead, h, w, dtype, specials, seed, p }) => {
        const rand = R.rng(seed);
        const shape = [...lead, h, w];
        const xv = T.tensor(dtype, shape.length, 'x');
        const x = new NDArray(dtype, shape, draw(dtype, R.sizeOf(shape), rand, specials));
        const fwd = pool2d(xv, p).owner!;
        if (new GeometryCache(p).get(x, fwd).pairs) fast++;
        const z = perform(fwd, [x]);
        const what = `${dtype} ${JSON.stringify(p)} on (${shape.join(', ')})`;
        expectSame(z.data, refMax(x.data as Data, shape, p), `forward, ${what}`);
        // A NaN window gives the canonical float32 NaN, as the float32 loop always did.
        if (z.data instanceof Float32Array) new Int32Array(z.data.buffer).forEach((b, i) => Number.isNaN(z.data[i]) && expect(b).toBe(0x7fc00000));

        const bwd = pool2dGrad(p, xv, T.tensor(dtype, shape.length, 'z'), T.tensor(dtype, shape.length, 'gz')).owner!;
        const gz = new NDArray(dtype, z.shape, draw(dtype, z.size, rand, specials));
        // z as the forward computes it, and z arbitrary (equality with NaN, ±0 and non-maxima).
        for (const zz of [z, new NDArray(dtype, z.shape, draw(dtype, z.size, rand, true))]) {
          const gx = perform(bwd, [x, zz, gz]);
          expectSame(gx.data, refGrad(x.data as Data, zz.data as Data, gz.data as Data, shape, p), `gradient, ${what}`);
        }
      }),
      { numRuns: 600, seed: 20250611 },
    );
    expect(fast).toBeGreaterThan(100);
  });

  it('takes the fast path exactly for whole 2x2 windows at even positions', () => {
    const cases: [Pool2dOptions, number, number, boolean][] = [
      [{ ws: 2 }, 4, 6, true],
      [{ ws: 2 }, 5, 7, true], // the last row and column are outside every window
      [{ ws: 2, ignoreBorder: false }, 4, 6, true],
      [{ ws: 2, ignoreBorder: false }, 5, 6, false], // a partial window at the bottom
      [{ ws: 2, stride: 1 }, 4, 4, false],
      [{ ws: 2, stride: [2, 3] }, 4, 6, false],
      [{ ws: 2, pad: [1, 0] }, 4, 4, false],
      [{ ws: 3 }, 6, 6, false],
    ];
    for (const [opts, h, w, want] of cases) {
      const p = resolvePoolOptions(opts);
      const node = pool2d(T.dmatrix('x'), p).owner!;
      expect(new GeometryCache(p).get(NDArray.zeros('float64', [h, w]), node).pairs, `${JSON.stringify(opts)} on ${h}x${w}`).toBe(want);
    }
  });

  it('gradient: -0 in gz becomes +0, ties all get gz, uncovered elements 0 (hand-worked, float32)', () => {
    const p = resolvePoolOptions({ ws: 2 });
    const xv = T.ftensor3('x');
    const x = new NDArray('float32', [1, 3, 5], Float32Array.from([1, 1, 0, -0, 9, 1, 0.5, -0, 0, 9, 8, 8, 8, 8, 8]));
    const z = perform(pool2d(xv, p).owner!, [x]);
    expectSame(z.data, [1, 0], 'forward');
    const gz = new NDArray('float32', [1, 1, 2], Float32Array.from([-0, 3]));
    const gx = perform(pool2dGrad(p, xv, T.ftensor3('z'), T.ftensor3('gz')).owner!, [x, z, gz]);
    expectSame(gx.data, [0, 0, 3, 3, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0], 'gradient');
  });
});
