import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { philox4x32, mulhi32 } from '../../src/util/philox.js';

const hex = (a: Uint32Array) => Array.from(a, (x) => x.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10', () => {
  it('matches the known-answer vectors of Random123', () => {
    const o = new Uint32Array(4);
    philox4x32(0, 0, 0, 0, 0, 0, o);
    expect(hex(o)).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    philox4x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, o);
    expect(hex(o)).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
    philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, o);
    expect(hex(o)).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
  });

  it('mulhi32 agrees with BigInt', () => {
    const pairs = [
      [0xffffffff, 0xffffffff],
      [0xd2511f53, 0x12345678],
      [1, 0xffffffff],
      [0x80000000, 2],
    ];
    for (const [a, b] of pairs) expect(BigInt(mulhi32(a!, b!))).toBe((BigInt(a!) * BigInt(b!)) >> 32n);
  });
});

describe('T.RandomStreams', () => {
  it('advances on every call (default update) and repeats from the same seed', () => {
    const draw = () => {
      const srng = new T.RandomStreams(42);
      const u = srng.uniform({ size: [3, 4] });
      const f = theano.function([], u);
      return [f(), f()];
    };
    const [a1, a2] = draw();
    const [b1] = draw();
    expect(a1!.shape).toEqual([3, 4]);
    expect(a1!.dtype).toBe('float32');
    expect(Array.from(a1!.data)).not.toEqual(Array.from(a2!.data));
    expect(Array.from(a1!.data)).toEqual(Array.from(b1!.data));
  });

  it('gives different streams to different draws and different seeds', () => {
    const srng = new T.RandomStreams(1);
    const f = theano.function([], [srng.uniform({ size: [5] }), srng.uniform({ size: [5] })]);
    const [x, y] = f();
    expect(Array.from(x!.data)).not.toEqual(Array.from(y!.data));
    const other = theano.function([], new T.RandomStreams(2).uniform({ size: [5] }))();
    expect(Array.from(other.data)).not.toEqual(Array.from(x!.data));
  });

  it('uniform stays in [low, high) with the right mean', () => {
    const u = new T.RandomStreams(3).uniform({ size: [20000], low: -2, high: 4, dtype: 'float64' });
    const v = Array.from(theano.function([], u)().data);
    let sum = 0;
    for (const x of v) {
      expect(x).toBeGreaterThanOrEqual(-2);
      expect(x).toBeLessThan(4);
      sum += x;
    }
    expect(sum / v.length).toBeCloseTo(1, 1);
  });

  it('normal has the requested mean and standard deviation', () => {
    const z = new T.RandomStreams(4).normal({ size: [40000], avg: 3, std: 2, dtype: 'float64' });
    const v = Array.from(theano.function([], z)().data);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    expect(mean).toBeCloseTo(3, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it('binomial gives 0/1 masks with frequency p, and counts for n > 1', () => {
    const srng = new T.RandomStreams(5);
    const mask = theano.function([], srng.binomial({ size: [10000], p: 0.3 }))();
    expect(mask.dtype).toBe('int32');
    expect(new Set(mask.data)).toEqual(new Set([0, 1]));
    const freq = Array.from(mask.data).reduce((a, b) => a + b, 0) / mask.size;
    expect(freq).toBeGreaterThan(0.28);
    expect(freq).toBeLessThan(0.32);
    const counts = Array.from(theano.function([], srng.binomial({ size: [10000], n: 4, p: 0.5 }))().data);
    expect(Math.max(...counts)).toBe(4);
    expect(counts.reduce((a, b) => a + b, 0) / counts.length).toBeCloseTo(2, 1);
  });

  it('takes a symbolic size, as dropout needs (layer.shape)', () => {
    const x = T.dmatrix('x');
    const srng = new T.RandomStreams(6);
    const mask = srng.binomial({ size: [x.shape(0), x.shape(1)], p: 0.5 });
    const out = x.mul(T.cast(mask, 'float64'));
    const f = theano.function([x], out);
    const r = f([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(r.shape).toEqual([2, 3]);
    expect(Array.from(r.data).every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('seed() restarts the streams; noDefaultUpdates repeats the numbers', () => {
    const srng = new T.RandomStreams(7);
    const u = srng.uniform({ size: [4] });
    const f = theano.function([], u);
    const first = Array.from(f().data);
    f();
    srng.seed(7);
    expect(Array.from(f().data)).toEqual(first);
    const g = theano.function([], u, { noDefaultUpdates: true });
    expect(Array.from(g().data)).toEqual(Array.from(g().data));
  });

  it('an explicit update of the state wins over the default one', () => {
    const srng = new T.RandomStreams(8);
    const u = srng.uniform({ size: [2] });
    const state = u.owner!.inputs[0] as theano.SharedVariable;
    const f = theano.function([], u, { updates: [[state, state]] });
    expect(Array.from(f().data)).toEqual(Array.from(f().data));
  });

  it('the draw passes no gradient', () => {
    const x = T.dscalar('x');
    const u = new T.RandomStreams(9).uniform({ size: [3], dtype: 'float64' });
    const g = T.grad(u.mul(x).sum(), x);
    const sample = theano.function([x], [u, g], { noDefaultUpdates: true })(1);
    expect(sample[1]!.item()).toBeCloseTo(
      Array.from(sample[0]!.data).reduce((a, b) => a + b, 0),
      12,
    );
  });
});
