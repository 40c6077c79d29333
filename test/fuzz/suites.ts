/**
 * A fuzz property: a name, its count in `npm test`, and how to check it with fast-check parameters (seed,
 * count). The vitest files (test/fuzz/*.test.ts) run them with the fixed seed; run.ts runs them longer.
 */
import fc from 'fast-check';
import { caseProperty } from './harness.js';

export interface FuzzProperty {
  name: string;
  /** Cases in `npm test` (scaled by `--runs N` / DEFAULT_TOTAL in a long run). */
  runs: number;
  assert(params: fc.Parameters<unknown>): void;
}

/** A property over the cases of `arb`; `body` throws (a FuzzFailure) when a case goes wrong. */
export function fuzzProperty<T>(name: string, runs: number, arb: fc.Arbitrary<T>, body: (c: T) => void): FuzzProperty {
  return { name, runs, assert: (params) => fc.assert(caseProperty(arb, body), params as fc.Parameters<[T]>) };
}
