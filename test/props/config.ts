/**
 * Seed and case counts of the property suites. `npm test` runs them with the fixed seed below and the
 * documented counts; `npm run test:props -- --seed S --runs N` (test/props/run.mjs) sets TSANO_PROPS_SEED and
 * TSANO_PROPS_RUNS to rerun them with another seed, or with N random graphs in the composite suite and every
 * other property's count scaled by N / 200.
 */
import fc from 'fast-check';

export const DEFAULT_SEED = 20240617;
/** The composite random-graph suite's count, the reference for scaling the others. */
export const DEFAULT_GRAPH_RUNS = 200;

export const PROPS_SEED = Number(process.env.TSANO_PROPS_SEED ?? DEFAULT_SEED);
const requestedRuns = process.env.TSANO_PROPS_RUNS ? Number(process.env.TSANO_PROPS_RUNS) : undefined;

/** A property's count: its default, scaled by --runs N / 200. */
export function runs(defaultRuns: number): number {
  if (requestedRuns === undefined) return defaultRuns;
  return Math.max(1, Math.round((defaultRuns * requestedRuns) / DEFAULT_GRAPH_RUNS));
}

/**
 * fc.assert with the suite's seed and count. A failure's message keeps fast-check's report (seed, path, the
 * shrunk counterexample, the error with the worst element) and says how to rerun it.
 */
export function assertProperty<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, defaultRuns: number, params: fc.Parameters<Ts> = {}): void {
  const numRuns = runs(defaultRuns);
  try {
    fc.assert(property, { seed: PROPS_SEED, numRuns, includeErrorInReport: true, ...params });
  } catch (e) {
    if (e instanceof Error) e.message += `\nRerun this suite with: npm run test:props -- --seed ${PROPS_SEED} --runs ${requestedRuns ?? DEFAULT_GRAPH_RUNS}`;
    throw e;
  }
}
