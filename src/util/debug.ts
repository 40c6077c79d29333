/**
 * Debug levels, in one place (set by `TSANO_FLAGS=debug=N` or `theano.config.debug`):
 * 1 compile summary and fallbacks; 2 kernels and timings; 3 the graph after each phase;
 * 4 generated kernel source; 5 every rewrite rule that fires.
 */
export const DebugLevel = {
  summary: 1,
  kernels: 2,
  phases: 3,
  source: 4,
  rules: 5,
} as const;

let level = 0;
// stderr under Node; the console in a browser (no `process` there).
let sink: (line: string) => void = (line) => {
  if (typeof process !== 'undefined' && process.stderr) process.stderr.write(line + '\n');
  else console.error(line);
};

export function setDebugLevel(n: number): void {
  level = n;
}
export function debugLevel(): number {
  return level;
}
export function setDebugSink(write: (line: string) => void): void {
  sink = write;
}
/** Logs `message()` when the level is at least `atLeast`; the thunk keeps disabled logging free. */
export function debugLog(atLeast: number, message: () => string): void {
  if (level >= atLeast) sink(`[tsano] ${message()}`);
}
