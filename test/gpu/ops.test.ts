import { describe, expect, it } from 'vitest';
import { ALL_GPU_CASES } from './cases/index.js';
import { checkCase, exactSpecialsOn } from './check-case.js';
import { deviceFor, gpuTestModes } from './harness.js';

describe.each(gpuTestModes())('GPU kernels against the CPU reference (%s)', (mode) => {
  const cases = ALL_GPU_CASES.filter((c) => !c.exactSpecials || exactSpecialsOn(mode));
  it.skipIf(cases.length > 0)('has cases', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await checkCase(await deviceFor(mode), c)).toBeUndefined();
  });
});
