// network3's conv2-relu training step on the GPU backend agrees with the CPU backend: 20 mini-batches of real MNIST,
// the same initial weights, every weight within 1e-4 (relative to the parameter's largest weight) and the cost falling.
import { beforeAll, describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { RandomState, type NDArray } from '../../src/index.js';
import type { KernelInfo } from '../../src/codegen/backend.js';
import { getExperiment } from '../../examples/network3/experiments.js';
import { headSplit, sharedData } from '../../examples/network3/data.js';
import { loadMnistSplits, type MnistSplit } from '../../examples/network3/mnist.js';
import { Network } from '../../examples/network3/network.js';
import { gpuTestModes } from './harness.js';

const BATCHES = 20;
const MB = 10;

let training: MnistSplit;
beforeAll(() => {
  training = headSplit(loadMnistSplits({ trainSize: BATCHES * MB }).training, BATCHES * MB);
});

async function train(fnOptions: { device: 'cpu' | 'gpu'; gpuMode?: string }): Promise<{ costs: number[]; weights: NDArray[]; kernels: KernelInfo[] }> {
  const exp = getExperiment('conv2-relu');
  const net = new Network(exp.layers(new RandomState(0), MB), MB);
  const eta = theano.shared(theano.ndarray(exp.eta), { name: 'eta' });
  const f = net.trainingFunction(sharedData(training), eta, exp.lmbda, BATCHES, fnOptions);
  const costs: number[] = [];
  for (let i = 0; i < BATCHES; i++) costs.push((await f.run(i)).item());
  return { costs, weights: net.params.map((p) => p.getValue()), kernels: f.kernels() };
}

describe.each(gpuTestModes())('network3 conv2-relu on the GPU backend (%s)', (mode) => {
  it(`trains ${BATCHES} mini-batches to the CPU backend's weights (1e-4 relative) with a falling cost`, { timeout: 600_000 }, async () => {
    const cpu = await train({ device: 'cpu' });
    const gpu = await train({ device: 'gpu', gpuMode: mode });
    gpu.costs.forEach((c, i) => expect(c, `cost of mini-batch ${i}`).toBeCloseTo(cpu.costs[i]!, 3));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(gpu.costs.slice(-5))).toBeLessThan(mean(gpu.costs.slice(0, 5)));
    // What runs is the device's own code: GLSL on the GL modes, WGSL on webgpu; only scalar shape arithmetic on the host.
    const onDevice = gpu.kernels.filter((k) => k.backend === `gpu:${mode}`);
    expect(onDevice.length).toBeGreaterThan(gpu.kernels.length * 0.7);
    const marker: Record<string, RegExp> = { headlessgl: /void main\(void\)|gl_FragColor/, webgl2: /void main/, webgpu: /@compute/ };
    if (marker[mode]) expect(onDevice.every((k) => marker[mode]!.test(k.source))).toBe(true);
    gpu.weights.forEach((w, k) => {
      const ref = cpu.weights[k]!;
      let scale = 0;
      let worst = 0;
      for (let j = 0; j < ref.size; j++) {
        scale = Math.max(scale, Math.abs(ref.data[j]!));
        worst = Math.max(worst, Math.abs(w.data[j]! - ref.data[j]!));
      }
      expect(worst / scale, `parameter ${k} (${ref.shape.join('x')})`).toBeLessThan(1e-4);
    });
  });
});
