/** The op fuzzer with the fixed seed: reductions, reshape, dimshuffle, elementwise, dot, softmax, conv2d, pooling against references. */
import { describe, it } from 'vitest';
import { nnetProperties } from './props-nnet.js';
import { opsProperties } from './props-ops.js';
import { fuzzRuns } from './harness.js';
import { runFuzzProperty } from './run-property.js';

describe('fuzz: ops against independent references', () => {
  for (const p of [...opsProperties, ...nnetProperties]) it(`${p.name} (${fuzzRuns(p.runs)} cases)`, () => runFuzzProperty(p));
});
