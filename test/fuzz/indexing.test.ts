/** The indexing fuzzer with the fixed seed: get / setSubtensor / incSubtensor against NumPy, IndexErrors that name x and the bound. */
import { describe, it } from 'vitest';
import { indexingProperties } from './props-indexing.js';
import { fuzzRuns } from './harness.js';
import { runFuzzProperty } from './run-property.js';

describe('fuzz: indexing', () => {
  for (const p of indexingProperties) it(`${p.name} (${fuzzRuns(p.runs)} cases)`, () => runFuzzProperty(p));
});
