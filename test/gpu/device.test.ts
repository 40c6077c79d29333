import { describe, expect, it } from 'vitest';
import { drive } from '../../src/codegen/gpu/drive.js';
import { runRendering } from '../../src/codegen/gpu/run-rendering.js';
import type { GpuRendering } from '../../src/codegen/gpu/kernel-spec.js';
import { deviceFor, gpuTestModes } from './harness.js';

describe.each(gpuTestModes())('gpu device (%s)', (mode) => {
  it('runs a 5,000-iteration loop to the end (gpu.js stops at 1,000 unless told) and a second stage reading the first', async () => {
    const device = await deviceFor(mode);
    const n = 5000;
    const x = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3 + i / 1024);
    const rendering: GpuRendering = {
      stages: [
        { source: `function (a) { let s = 0; for (let k = 0; k < ${n}; k++) { s += a[k]; } return s; }`, args: [{ input: 0 }], size: 1, loopMaxIterations: n },
        { source: 'function (a, s) { return a[this.thread.x] - s[0]; }', args: [{ input: 0 }, { stage: 0 }], size: n },
      ],
      outputs: [1],
    };
    const before = device.liveArrays;
    const xs = await device.upload(x);
    const [out] = await drive(runRendering(device, rendering, [xs]));
    const got = await device.download(out!);
    let sum = 0;
    for (const v of x) sum += v;
    for (let i = 0; i < n; i += 997) expect(got[i]).toBeCloseTo(x[i]! - sum, 1);
    // The first stage's sum was deleted once read; the upload and the output remain until we delete them.
    expect(device.liveArrays - before).toBe(2);
    device.delete(xs);
    device.delete(out!);
    expect(device.liveArrays).toBe(before);
  });
});
