import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { upcast, canCastLosslessly } from '../../src/ir/dtype.js';

describe('NDArray', () => {
  it('builds from nested arrays in floatX, row-major', () => {
    const a = theano.ndarray([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.get(1, 0)).toBe(4);
    expect(a.get(-1, -1)).toBe(6);
    expect(a.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('keeps a typed array dtype and takes a shape', () => {
    const a = theano.ndarray(new Int32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
    expect(a.dtype).toBe('int32');
    expect(a.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(theano.ndarray(new Float64Array([1, 2]), [2], 'float32').dtype).toBe('float32');
  });

  it('has item() for one element and errors otherwise', () => {
    expect(theano.ndarray(7, undefined, 'int32').item()).toBe(7);
    expect(theano.ndarray(7).shape).toEqual([]);
    expect(() => theano.ndarray([1, 2]).item()).toThrow(/item: array of shape \(2,\) has 2 elements/);
  });

  it('rejects ragged arrays, wrong sizes and bad indices with clear messages', () => {
    expect(() => theano.ndarray([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => theano.ndarray([1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \(2, 2\)/);
    const a = theano.ndarray([
      [1, 2],
      [3, 4],
    ]);
    expect(() => a.get(2, 0)).toThrow(/index 2 out of range for axis 0 of size 2/);
    expect(() => a.get(0)).toThrow(/expected 2 indices/);
  });

  it('stores booleans as 0/1 and float32 with rounding', () => {
    expect(Array.from(theano.ndarray([true, false], undefined, 'bool').data)).toEqual([1, 0]);
    expect(theano.ndarray([0.1]).data[0]).toBe(Math.fround(0.1));
  });
});

describe('dtype promotion', () => {
  it('follows NumPy/Theano: int32 with float32 needs float64', () => {
    expect(upcast('int32', 'float32')).toBe('float64');
    expect(upcast('uint8', 'float32')).toBe('float32');
    expect(upcast('bool', 'int32')).toBe('int32');
    expect(upcast('float32', 'float64')).toBe('float64');
  });

  it('knows which casts are lossless', () => {
    expect(canCastLosslessly('int32', 'float64')).toBe(true);
    expect(canCastLosslessly('int32', 'float32')).toBe(false);
    expect(canCastLosslessly('float64', 'float32')).toBe(false);
    expect(canCastLosslessly('uint8', 'int32')).toBe(true);
  });
});
