import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../../src/index.js';
import { T, type Variable } from '../../../src/index.js';
import { defaultWasmGemm } from '../../../src/codegen/wasm/default-gemm.js';
import { wasmSimdAvailable } from '../../../src/codegen/wasm/gemm.js';
import { elementwiseStats } from '../../../src/codegen/cpu/wasm-elementwise.js';

const initial = theano.config.wasm;
afterEach(() => {
  theano.config.wasm = initial;
});

type Build = (a: Variable, b: Variable, s: Variable) => Variable;
/** Expressions over two float32 vectors and a scalar, nested by fast-check. */
const leaves: fc.Arbitrary<Build>[] = [fc.constant((a) => a), fc.constant((_a, b) => b), fc.constant((_a, _b, s) => s)];
const exprArb: fc.Arbitrary<Build> = fc.letrec<{ e: Build }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    ...leaves,
    fc.tuple(fc.constantFrom('add', 'sub', 'mul', 'div', 'maximum', 'minimum'), tie('e'), tie('e')).map(
      ([name, f, g]): Build =>
        (a, b, s) =>
          ({ add: T.add, sub: T.sub, mul: T.mul, div: T.div, maximum: T.maximum, minimum: T.minimum })[name](f(a, b, s), g(a, b, s)),
    ),
    fc.tuple(fc.constantFrom('neg', 'abs', 'sqrt', 'sqr', 'relu'), tie('e')).map(([name, f]): Build => (a, b, s) => {
      const x = f(a, b, s);
      return name === 'neg' ? x.neg() : name === 'abs' ? T.abs(x) : name === 'sqrt' ? T.sqrt(x) : name === 'sqr' ? T.sqr(x) : T.nnet.relu(x);
    }),
    fc.tuple(fc.constantFrom('eq', 'neq', 'lt', 'gt', 'le', 'ge'), tie('e'), tie('e'), tie('e')).map(([name, f, g, h]): Build => (a, b, s) => {
      const c = { eq: T.eq, neq: T.neq, lt: T.lt, gt: T.gt, le: T.le, ge: T.ge }[name](f(a, b, s), g(a, b, s));
      return name === 'eq' || name === 'lt' ? T.switch(c, h(a, b, s), g(a, b, s)) : T.cast(c, 'float32').mul(h(a, b, s));
    }),
  ),
})).e;

const special = [NaN, -0, 0, Infinity, -Infinity, 1, -1, 0.5, 3, 1e-40, -2.5e38];
const valuesArb = (n: number) => fc.array(fc.oneof(fc.constantFrom(...special), fc.float({ noDefaultInfinity: false })), { minLength: n, maxLength: n });

describe.skipIf(!wasmSimdAvailable() || !defaultWasmGemm()?.heap)('elementwise kernels in wasm SIMD', () => {
  it('property: random float32 expressions (NaN, ±0, ±Inf, subnormals; any length) equal the JS kernels bit for bit', () => {
    let ranWasm = 0;
    fc.assert(
      fc.property(
        exprArb,
        fc.integer({ min: 1, max: 23 }).chain((n) => fc.tuple(valuesArb(n), valuesArb(n), fc.constantFrom(...special))),
        (build, [av, bv, sv]) => {
          const [a, b, s] = [T.fvector('a'), T.fvector('b'), T.fscalar('s')];
          const out = build(a, b, s).add(a.mul(0)); // always a vector, always a kernel
          const run = (wasm: 'auto' | 'off') => {
            theano.config.wasm = wasm;
            const f = theano.function([a, b, s], out, { onUnusedInput: 'ignore' });
            return { values: Array.from(f(new Float32Array(av), new Float32Array(bv), sv).data), backends: f.kernels().map((k) => k.backend) };
          };
          const before = elementwiseStats.wasm;
          const fast = run('auto');
          if (elementwiseStats.wasm > before) ranWasm++;
          const plain = run('off');
          fast.values.forEach((v, i) => expect(Object.is(v, plain.values[i]) || (Number.isNaN(v) && Number.isNaN(plain.values[i]))).toBe(true));
        },
      ),
      { seed: 21, numRuns: 300 },
    );
    // Kernels with a bool input (a comparison used twice is not fused) stay in JS; most run in wasm.
    expect(ranWasm).toBeGreaterThan(250);
  });

  it("maximum, minimum, relu and switch keep the JS kernels' exact choices on NaN and ±0", () => {
    const [a, b] = [T.fvector('a'), T.fvector('b')];
    const av = new Float32Array([0, -0, NaN, 1, NaN, -0, 0, 2]);
    const bv = new Float32Array([-0, 0, 1, NaN, NaN, -0, 0, -3]);
    const outs = [T.maximum(a, b), T.minimum(a, b), T.nnet.relu(a).add(b.mul(0)), T.switch(T.lt(a, b), a, b)];
    const run = (wasm: 'auto' | 'off') => {
      theano.config.wasm = wasm;
      return theano
        .function([a, b], outs)(av, bv)
        .map((o) => Array.from(o.data));
    };
    const before = elementwiseStats.wasm;
    const fast = run('auto');
    expect(elementwiseStats.wasm - before).toBe(4);
    const plain = run('off');
    expect(plain[0]!.map((v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(['-0', '0', 'NaN', 'NaN', 'NaN', '-0', '0', '2']);
    fast.forEach((row, i) => row.forEach((v, j) => expect(Object.is(v, plain[i]![j])).toBe(true)));
  });

  it('a bias broadcast over trailing axes (conv layers) runs by blocks in wasm and equals the JS kernel', () => {
    const [x, b, s] = [T.ftensor4('x'), T.fvector('b'), T.fscalar('s')];
    const out = T.maximum(0, x.add(b.dimshuffle('x', 0, 'x', 'x'))).mul(s);
    const rng = new theano.RandomState(3);
    for (const shape of [
      [3, 5, 4, 6],
      [2, 3, 2, 2],
      [1, 4, 3, 3], // blocks of 9: not whole groups of 4, the JS kernel
    ]) {
      const xv = theano.ndarray(
        new Float32Array(
          rng.normal(
            0,
            1,
            shape.reduce((p, q) => p * q, 1),
          ),
        ),
        shape,
      );
      const bv = new Float32Array(rng.normal(0, 1, shape[1]!));
      const run = (wasm: 'auto' | 'off') => {
        theano.config.wasm = wasm;
        return Array.from(theano.function([x, b, s], out)(xv, bv, 0.5).data);
      };
      const before = elementwiseStats.wasm;
      const fast = run('auto');
      expect(elementwiseStats.wasm > before).toBe((shape[2]! * shape[3]!) % 4 === 0);
      const plain = run('off');
      fast.forEach((v, i) => expect(Object.is(v, plain[i])).toBe(true));
    }
  });

  it('property: sum(f(a, b, s)) in wasm (float64 partial sums) agrees with the JS kernel to rounding', () => {
    let ranWasm = 0;
    fc.assert(
      fc.property(
        exprArb,
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) =>
            fc.tuple(
              fc.float32Array({ minLength: n, maxLength: n, noNaN: true, min: -1e6, max: 1e6 }),
              fc.float32Array({ minLength: n, maxLength: n, noNaN: true, min: -1e6, max: 1e6 }),
              fc.float({ noNaN: true, min: -4, max: 4 }),
            ),
          ),
        (build, [av, bv, sv]) => {
          const [a, b, s] = [T.fvector('a'), T.fvector('b'), T.fscalar('s')];
          const terms = build(a, b, s).add(a.mul(0));
          const run = (wasm: 'auto' | 'off', out: Variable) => {
            theano.config.wasm = wasm;
            return Array.from(theano.function([a, b, s], out, { onUnusedInput: 'ignore' })(av, bv, sv).data);
          };
          const before = elementwiseStats.wasm;
          const [fast] = run('auto', T.sum(terms));
          if (elementwiseStats.wasm > before) ranWasm++;
          const [plain] = run('off', T.sum(terms));
          const magnitude = run('off', terms).reduce((m, t) => m + Math.abs(t), 0);
          if (!Number.isFinite(plain!) || !Number.isFinite(magnitude))
            expect(Object.is(fast, plain) || (Number.isNaN(fast!) && Number.isNaN(plain!))).toBe(true);
          else expect(Math.abs(fast! - plain!)).toBeLessThanOrEqual(2 ** -23 * Math.abs(plain!) + 1e-14 * magnitude);
        },
      ),
      { seed: 22, numRuns: 200 },
    );
    expect(ranWasm).toBeGreaterThan(150);
  });

  it('f.kernels() shows the generated wasm; a broadcast bias falls back to the JS kernel and stays right', () => {
    const [x, bias] = [T.fmatrix('x'), T.fvector('bias')];
    const f = theano.function([x, bias], T.nnet.relu(x.add(bias)));
    const k = f.kernels().find((kr) => kr.name.startsWith('fused'))!;
    expect(k.backend).toBe('cpu-wasm');
    expect(k.source).toMatch(/f32x4\.add/);
    expect(k.source).toMatch(/v128\.bitselect/);
    const before = elementwiseStats.js;
    expect(
      f(
        [
          [1, -2, 3],
          [2, 0, -1],
        ],
        [-1.5, 0, 0],
      ).toArray(),
    ).toEqual([
      [0, 0, 3],
      [0.5, 0, 0],
    ]);
    expect(elementwiseStats.js).toBe(before + 1);
  });
});
