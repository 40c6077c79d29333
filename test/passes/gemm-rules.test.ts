import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../src/index.js';
import { useJsKernels } from '../helpers/check.js';
import { T, type Variable } from '../../src/index.js';
import { FunctionGraph } from '../../src/ir/fgraph.js';
import { runRules } from '../../src/passes/rewrite.js';
import { gemmRules } from '../../src/passes/specialize-gemm.js';
import { sumTo } from '../../src/ops/sum-to.js';

const opsAfter = (inputs: Variable[], out: Variable) => {
  const fg = new FunctionGraph(inputs, [out]);
  runRules(fg, 'test', gemmRules);
  return fg.toposort().map((n) => n.op.toString());
};

describe('gemm rules: graph before -> after', () => {
  it('dotToGemm + scaleIntoGemm + addIntoGemm: W - 0.1 * dot(x.T, d) -> one gemm reading x in place', () => {
    const [x, d, w] = [T.matrix('x'), T.matrix('d'), T.matrix('w')];
    expect(opsAfter([x, d, w], w.sub(T.dot(x.T, d).mul(0.1)))).toEqual(['gemm{transA=true,z=true}']);
  });

  it('dot(x, W) + b -> gemm with the broadcast bias as Z', () => {
    const [x, w, b] = [T.matrix('x'), T.matrix('w'), T.vector('b')];
    expect(opsAfter([x, w, b], T.dot(x, w).add(b))).toEqual(['dimshuffle{pattern=(x,0)}', 'gemm{z=true}']);
  });

  it('dot(a, b.T) - z -> gemm{transB} with beta -1', () => {
    const [a, b, z] = [T.matrix('a'), T.matrix('b'), T.matrix('z')];
    expect(opsAfter([a, b, z], T.dot(a, b.T).sub(z))).toEqual(['gemm{transB=true,z=true}']);
  });

  it('sumTo(g, dot(a, b)) -> sumToShape(g, a.shape[0], b.shape[1]): the product is not kept for its shape', () => {
    const [a, b, g] = [T.matrix('a'), T.matrix('b'), T.matrix('g')];
    const ops = opsAfter([a, b, g], sumTo(g, T.dot(a, b)));
    expect(ops.filter((o) => o.startsWith('gemm'))).toEqual([]);
    expect(ops).toContain('sumToShape');
  });

  it('leaves a product alone when something else reads it; two vectors stay a dot', () => {
    const [x, w, b] = [T.matrix('x'), T.matrix('w'), T.matrix('b')];
    const p = T.dot(x, w);
    expect(opsAfter([x, w, b], p.add(b).add(p.exp()))).toContain('gemm');
    const [u, v] = [T.vector('u'), T.vector('v')];
    expect(opsAfter([u, v], T.dot(u, v))).toEqual(['dot']);
  });

  it('matrix·vector and vector·matrix -> gemv (v·M is Mᵀ·v), with scaling and a sum absorbed', () => {
    const [m, v, z] = [T.matrix('m'), T.vector('v'), T.vector('z')];
    expect(opsAfter([m, v], T.dot(m, v))).toEqual(['gemv']);
    expect(opsAfter([m, v], T.dot(v, m))).toEqual(['gemv{transA=true}']);
    expect(opsAfter([m, v], T.dot(v, m.T))).toEqual(['gemv']);
    expect(opsAfter([m, v, z], z.sub(T.dot(m.T, v).mul(0.5)))).toEqual(['gemv{transA=true,z=true}']);
  });
});

describe('gemm rules: the rewritten graph computes bit for bit what the graph as written does', () => {
  // Bit for bit holds for the JS kernels (float64 sums); the wasm kernels sum in float32 (test/codegen/wasm).
  useJsKernels();

  it('property: random Z ± s*dot(op(A), op(B)) forms in float32 and float64, with broadcast Z', () => {
    const shapes = fc.record({ m: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 5 }) });
    const arb = fc.record({
      shapes,
      dtype: fc.constantFrom('float32' as const, 'float64' as const),
      transA: fc.boolean(),
      transB: fc.boolean(),
      form: fc.constantFrom('z-s*p', 'z+p*s', 's*p+z', 'p-z', 'p+bias', 's*p'),
      s: fc.double({ min: -3, max: 3, noNaN: true }),
      symbolicScale: fc.boolean(),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(arb, ({ shapes: { m, n, k }, dtype, transA, transB, form, s, symbolicScale, seed }) => {
        const rng = new theano.RandomState(seed);
        const mat = (r: number, c: number) =>
          theano.ndarray(
            rng.normal(0, 1, r * c).map((v, i) => (i % 3 === 0 ? 0 : v)),
            [r, c],
            dtype,
          );
        const a = T.tensor(dtype, [null, null], 'a');
        const b = T.tensor(dtype, [null, null], 'b');
        const z = T.tensor(dtype, [null, null], 'z');
        const bias = T.tensor(dtype, [null], 'bias');
        const sv = T.tensor(dtype, [], 's');
        const scale = symbolicScale ? sv : T.constant(s, dtype);
        const p = T.dot(transA ? a.T : a, transB ? b.T : b);
        const out = {
          'z-s*p': z.sub(p.mul(scale)),
          'z+p*s': z.add(p.mul(scale)),
          's*p+z': T.mul(scale, p).add(z),
          'p-z': p.sub(z),
          'p+bias': p.add(bias),
          's*p': T.mul(scale, p),
        }[form];
        const inputs = [a, b, z, bias, sv];
        const fast = theano.function(inputs, out, { onUnusedInput: 'ignore' });
        const plain = theano.function(inputs, out, { onUnusedInput: 'ignore', mode: 'FAST_COMPILE' });
        expect(fast.kernels().some((kr) => kr.name.startsWith('gemm'))).toBe(true);
        const args = [
          transA ? mat(k, m) : mat(m, k),
          transB ? mat(n, k) : mat(k, n),
          mat(m, n),
          theano.ndarray(rng.normal(0, 1, n), [n], dtype),
          theano.ndarray([s], [], dtype),
        ];
        expect(Array.from(fast(...args).data)).toEqual(Array.from(plain(...args).data));
      }),
      { seed: 11, numRuns: 150 },
    );
  });
});
