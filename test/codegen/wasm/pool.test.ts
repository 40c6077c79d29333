import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as theano from '../../../src/index.js';
import { T } from '../../../src/index.js';
import { defaultWasmGemm } from '../../../src/codegen/wasm/default-gemm.js';
import { wasmSimdAvailable } from '../../../src/codegen/wasm/gemm.js';
import { poolStats } from '../../../src/codegen/cpu/wasm-pool.js';

const initial = theano.config.wasm;
afterEach(() => {
  theano.config.wasm = initial;
});

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe.skipIf(!wasmSimdAvailable() || !defaultWasmGemm()?.heap)('2×2 max pooling in wasm SIMD', () => {
  it('property: forward and gradient equal the JS kernels (ties, NaN, ±0; odd sizes; ranks 2–4; ignoreBorder)', () => {
    let ran = 0;
    fc.assert(
      fc.property(
        fc.record({
          lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
          h: fc.integer({ min: 2, max: 13 }),
          w: fc.integer({ min: 2, max: 19 }),
          ignoreBorder: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        ({ lead, h, w, ignoreBorder, seed }) => {
          if (!ignoreBorder && (h % 2 || w % 2)) return; // partial windows: not the 2×2 kernel's case
          const shape = [...lead, h, w];
          const n = shape.reduce((a, b) => a * b, 1);
          const pick = [NaN, -0, 0, 1, 2, 2, -1, Infinity];
          let s = seed;
          const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s);
          const xv = new Float32Array(n).map(() => pick[next() % pick.length]!);
          const x = T.tensor('float32', shape.length, 'x');
          const out = T.signal.maxPool2d(x, { ws: [2, 2], ignoreBorder });
          const gzShape = [...lead, h >> 1, w >> 1];
          const gzv = new Float32Array(gzShape.reduce((a, b) => a * b, 1)).map(() => pick[next() % pick.length]!);
          const gz = T.tensor('float32', shape.length, 'gz');
          const grad = T.grad(T.sum(out.mul(gz)), x);
          const run = (wasm: 'auto' | 'off') => {
            theano.config.wasm = wasm;
            return theano
              .function([x, gz], [out, grad])(theano.ndarray(xv, shape), theano.ndarray(gzv, gzShape))
              .map((a) => Array.from(a.data));
          };
          const before = poolStats.wasm;
          const fast = run('auto');
          if (poolStats.wasm - before === 2) ran++;
          const plain = run('off');
          fast.forEach((arr, i) => arr.forEach((v, j) => expect(same(v, plain[i]![j]!)).toBe(true)));
        },
      ),
      { seed: 5, numRuns: 200 },
    );
    expect(ran).toBeGreaterThan(100);
  });

  it('an empty batch runs the JS kernel', () => {
    const x = T.ftensor4('x');
    const out = T.signal.maxPool2d(x, { ws: [2, 2], ignoreBorder: true });
    const f = theano.function([x], [out, T.grad(T.sum(out), x)]);
    const [y, gx] = f(theano.ndarray(new Float32Array(0), [0, 3, 4, 4]));
    expect([y!.shape, gx!.shape]).toEqual([
      [0, 3, 2, 2],
      [0, 3, 4, 4],
    ]);
  });
});
