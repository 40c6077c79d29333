/** Runs one fuzz property with the suite's seed and count; a failure reports the shrunk case and how to rerun it. */
import fc from 'fast-check';
import { FUZZ_SEED, fuzzRuns } from './harness.js';
import type { FuzzProperty } from './suites.js';

export function runFuzzProperty(p: FuzzProperty, overrides: fc.Parameters<unknown> = {}): void {
  const numRuns = fuzzRuns(p.runs);
  // Hostile options include disconnectedInputs: 'warn' and onUnusedInput: 'warn': keep the report quiet.
  const warn = console.warn;
  console.warn = () => {};
  try {
    p.assert({ seed: FUZZ_SEED, numRuns, includeErrorInReport: true, ...overrides });
  } catch (e) {
    if (e instanceof Error) e.message += `\nRerun with: npm run fuzz -- --seed ${FUZZ_SEED} --only '${p.name}'`;
    throw e;
  } finally {
    console.warn = warn;
  }
}
