/** The theano.function fuzzer with the fixed seed: random options (givens, updates, onUnusedInput) and call-time arguments. */
import { describe, it } from 'vitest';
import { callProperties } from './props-call.js';
import { functionProperties } from './props-function.js';
import { fuzzRuns } from './harness.js';
import { runFuzzProperty } from './run-property.js';

describe('fuzz: theano.function', () => {
  for (const p of [...functionProperties, ...callProperties]) it(`${p.name} (${fuzzRuns(p.runs)} cases)`, () => runFuzzProperty(p));
});
