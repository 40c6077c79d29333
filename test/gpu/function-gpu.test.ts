// theano.function with device 'gpu': results, updates and shared variables against the CPU backend; device memory
// over many calls; what f.kernels() shows; the fallback when a gpu.js mode cannot start.
import { describe, expect, it, vi } from 'vitest';
import * as theano from '../../src/index.js';
import { T, type NDArray } from '../../src/index.js';
import { gpuBackend } from '../../src/codegen/gpu/gpu-backend.js';
import { gpuTestModes } from './harness.js';

const rows = (n: number, m: number, seed: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => Math.sin(seed + i * 7.1 + j * 3.3) * 0.8));

/** A softmax-regression SGD step: cost out, W and b updated in place of the shared values. */
function softmaxStep(device: 'cpu' | 'gpu', gpuMode?: string) {
  const x = T.matrix('x');
  const y = T.ivector('y');
  const W = theano.shared(theano.ndarray(rows(6, 4, 1), undefined, 'float32'), { name: 'W' });
  const b = theano.shared(theano.ndarray([0.1, -0.2, 0.3, 0], undefined, 'float32'), { name: 'b' });
  const p = T.nnet.softmax(T.dot(x, W).add(b));
  const cost = T.mean(T.nnet.categoricalCrossentropy(p, y));
  const [gW, gb] = T.grad(cost, [W, b]);
  const f = theano.function([x, y], [cost, T.argmax(p, 1)], {
    updates: [
      [W, W.sub(gW!.mul(0.5))],
      [b, b.sub(gb!.mul(0.5))],
    ],
    device,
    ...(gpuMode ? { gpuMode } : {}),
  });
  return { f, W, b };
}

const X = theano.ndarray(rows(5, 6, 2), undefined, 'float32');
const Y = theano.ndarray([0, 3, 1, 2, 3], undefined, 'int32');

function expectNear(a: NDArray, b: NDArray, tol = 1e-5): void {
  expect(a.shape).toEqual(b.shape);
  a.data.forEach((v, i) => expect(Math.abs(v - b.data[i]!), `element ${i}: ${v} vs ${b.data[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b.data[i]!))));
}

describe.each(gpuTestModes())('theano.function on device gpu (%s)', (mode) => {
  it('gives the CPU backend’s outputs and updates over several calls, with the shared variables kept on the device', async () => {
    const cpu = softmaxStep('cpu');
    const gpu = softmaxStep('gpu', mode);
    for (let call = 0; call < 4; call++) {
      const [c1, a1] = (await cpu.f.run(X, Y)) as NDArray[];
      const [c2, a2] = (await gpu.f.run(X, Y)) as NDArray[];
      expectNear(c2!, c1!);
      expect(a2!.dtype).toBe(a1!.dtype);
      expect(Array.from(a2!.data)).toEqual(Array.from(a1!.data));
    }
    expectNear(gpu.W.getValue(), cpu.W.getValue());
    expectNear(gpu.b.getValue(), cpu.b.getValue());
    // setValue makes the device copy stale: the next call computes from the new value.
    const W0 = theano.ndarray(rows(6, 4, 9), undefined, 'float32');
    cpu.W.setValue(W0);
    gpu.W.setValue(W0);
    const [c1] = (await cpu.f.run(X, Y)) as NDArray[];
    const [c2] = (await gpu.f.run(X, Y)) as NDArray[];
    expectNear(c2!, c1!);
    expectNear(gpu.W.getValue(), cpu.W.getValue());
    const kernels = gpu.f.kernels();
    expect(kernels.filter((k) => k.backend === `gpu:${mode}`).length).toBeGreaterThan(kernels.length / 2);
  });

  it('holds no more device arrays after 1,000 calls than after 10 (dead intermediates are deleted)', async () => {
    const device = gpuBackend(mode, true)!.device;
    const before = device.liveArrays;
    const { f } = softmaxStep('gpu', mode);
    for (let i = 0; i < 10; i++) await f.run(X, Y);
    const after10 = device.liveArrays;
    for (let i = 0; i < 1000; i++) await f.run(X, Y);
    // (Fewer is possible: earlier tests' functions may be collected meanwhile, and their constants deleted.)
    expect(device.liveArrays).toBeLessThanOrEqual(after10);
    // What stays: the two shared variables' device copies, and the few constants uploaded once.
    expect(after10 - before).toBeLessThan(8);
  });

  it('lists the source the device runs in f.kernels()', async () => {
    const x = T.matrix('x');
    const f = theano.function([x], T.exp(x).mul(2).sum(1), { device: 'gpu', gpuMode: mode });
    expect(f.kernels()[0]!.source).toMatch(/not compiled yet/);
    await f.run([[1, 2]]);
    const source = f
      .kernels()
      .map((k) => k.source)
      .join('\n');
    const expected: Record<string, RegExp> = {
      headlessgl: /gl_FragColor|void main/,
      webgl2: /void main/,
      webgpu: /@compute/,
      cpu: /function|=>/,
      webasm: /function|=>/,
    };
    expect(source).toMatch(expected[mode] ?? /./);
  });

  it.runIf(mode === 'webgpu')('asks for await f.run(...) when called synchronously on webgpu, before doing anything', async () => {
    const { f, W } = softmaxStep('gpu', mode);
    const before = W.getValue();
    expect(() => f(X, Y)).toThrow(/answers asynchronously: call the function with `await f\.run/);
    await new Promise((r) => setTimeout(r, 50));
    expectNear(W.getValue(), before, 0);
  });
});

describe('choosing the GPU backend', () => {
  it('falls back to the CPU with a warning naming the mode when it cannot start, and is an error with forceDevice', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const x = T.vector('x');
    // No WebGL2 context exists in Node.
    const f = theano.function([x], x.mul(2), { device: 'gpu', gpuMode: 'webgl2' });
    expect(Array.from((f([1, 2]) as NDArray).data)).toEqual([2, 4]);
    expect(f.kernels()[0]!.backend).toMatch(/^cpu/);
    expect(warn.mock.calls.flat().join(' ')).toMatch(/gpu\.js mode 'webgl2' cannot run here .*running on the CPU backend/);
    warn.mockRestore();
    theano.config.forceDevice = true;
    try {
      expect(() => theano.function([x], x.mul(2), { device: 'gpu', gpuMode: 'webgl2' })).toThrow(/'webgl2' cannot run here.*forceDevice/);
    } finally {
      theano.config.forceDevice = false;
    }
  });

  it('keeps DEBUG_MODE on the CPU (it compares every node with the reference there)', () => {
    const x = T.vector('x');
    const f = theano.function([x], x.mul(2), { device: 'gpu', gpuMode: 'cpu', mode: 'DEBUG_MODE' });
    expect(f.kernels().every((k) => k.backend.startsWith('cpu'))).toBe(true);
  });
});
