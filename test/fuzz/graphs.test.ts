/**
 * The random-graph fuzzer with the fixed seed, and the suite's bookkeeping: every property is in run.ts's list,
 * and `npm test` runs at least 2,000 cases.
 */
import { describe, expect, it } from 'vitest';
import { ALL_PROPERTIES } from './all-properties.js';
import { graphProperties } from './props-graphs.js';
import { DEFAULT_TOTAL, fuzzRuns } from './harness.js';
import { runFuzzProperty } from './run-property.js';

describe('fuzz: random valid graphs', () => {
  for (const p of graphProperties) it(`${p.name} (${fuzzRuns(p.runs)} cases)`, () => runFuzzProperty(p));
});

describe('fuzz: the suite', () => {
  it('runs at least 2,000 cases with the fixed seed, and DEFAULT_TOTAL is their sum (run.ts scales by it)', () => {
    const total = ALL_PROPERTIES.reduce((s, p) => s + p.runs, 0);
    expect(total).toBe(DEFAULT_TOTAL);
    expect(total).toBeGreaterThanOrEqual(2000);
    expect(new Set(ALL_PROPERTIES.map((p) => p.name)).size).toBe(ALL_PROPERTIES.length);
  });
});
