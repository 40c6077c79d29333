/**
 * The public-API fuzzer with the fixed seed (`npm run fuzz -- --runs N --seed S` runs it longer): random calls
 * with random and hostile arguments, and the value constructors, give a correct result or a TsanoError.
 */
import { describe, it } from 'vitest';
import { apiProperties } from './props-api.js';
import { valueProperties } from './props-values.js';
import { fuzzRuns } from './harness.js';
import { runFuzzProperty } from './run-property.js';

describe('fuzz: public API with hostile arguments', () => {
  for (const p of [...apiProperties, ...valueProperties]) it(`${p.name} (${fuzzRuns(p.runs)} cases)`, () => runFuzzProperty(p));
});
