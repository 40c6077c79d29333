import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';

describe('error messages name the op, the variables and where the node was created', () => {
  it('at graph-building time', () => {
    const x = T.matrix('x');
    const w = T.tensor('float32', [100, 30], 'W1');
    const xs = T.tensor('float32', [null, 784], 'x');
    expect(() => T.dot(xs, w)).toThrow(
      /^dot: inner dimensions differ: 'x' \(float32 matrix \(\?, 784\)\) and 'W1' \(float32 matrix \(100, 30\)\)\. Created at test\/ir\/errors\.test\.ts:\d+\.$/,
    );
    expect(() => x.sum(2)).toThrow(/sum: axis 2 is out of range for 'x' \(float32 matrix\)/);
  });

  it('at run time, with the shapes of the values', () => {
    const x = T.matrix('x');
    const w = T.matrix('W1');
    const f = theano.function([x, w], T.dot(x, w));
    expect(() => f([[1, 2, 3]], [[1], [2]])).toThrow(
      /dot: inner dimensions differ: 'x' \(float32 matrix, shape \(1, 3\)\) and 'W1' \(float32 matrix, shape \(2, 1\)\)\. Created at test\/ir\/errors\.test\.ts:\d+\./,
    );
    const a = T.matrix('a');
    const b = T.matrix('b');
    const g = theano.function([a, b], a.add(b));
    expect(() => g([[1, 2, 3]], [[1, 2]])).toThrow(
      /add: shapes cannot be broadcast together on axis 1: 'a' \(float32 matrix, shape \(1, 3\)\) and 'b' \(float32 matrix, shape \(1, 2\)\)/,
    );
  });
});

describe('TSANO_FLAGS', () => {
  it('parses known flags and rejects unknown ones', async () => {
    const { parseFlags } = await import('../../src/util/config.js');
    expect(parseFlags('floatX=float64,device=cpu,debug=2')).toEqual({ floatX: 'float64', device: 'cpu', debug: 2 });
    expect(() => parseFlags('floatx=float64')).toThrow(/unknown flag 'floatx'/);
    expect(() => parseFlags('device=tpu')).toThrow(/device=tpu is not one of cpu, gpu/);
    expect(parseFlags('device=gpu,gpuMode=headlessgl,forceDevice=True')).toEqual({ device: 'gpu', gpuMode: 'headlessgl', forceDevice: true });
    expect(parseFlags('forceDevice=false')).toEqual({ forceDevice: false });
    expect(() => parseFlags('gpuMode=cuda')).toThrow(/gpuMode=cuda is not one of gpu, cpu, webasm, headlessgl, webgl, webgl2, webgpu/);
    expect(() => parseFlags('forceDevice=maybe')).toThrow(/forceDevice must be true or false; got 'maybe'/);
  });

  it('theano.config validates assignments', () => {
    expect(() => {
      (theano.config as { floatX: string }).floatX = 'float16';
    }).toThrow(/floatX must be one of float32, float64/);
    expect(theano.config.floatX).toBe('float32');
    expect(() => {
      (theano.config as { forceDevice: unknown }).forceDevice = 'yes';
    }).toThrow(/theano.config.forceDevice must be true or false/);
    expect(theano.config.forceDevice).toBe(false);
  });
});
