/**
 * One property of `npm run fuzz`, in a worker thread, so that run.ts can stop a case that hangs (a synchronous
 * loop cannot be interrupted in its own thread). Reports its counts, failures and known issues when done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ALL_PROPERTIES } from './all-properties.js';
import { collected, knownIssueCounts, setCaseCounter, setKeepGoing, stats } from './harness.js';
import { runFuzzProperty } from './run-property.js';

export interface WorkerReport {
  failure?: string;
  cases: number;
  results: number;
  errors: [string, number][];
  collected: [string, { count: number; example: string; message: string }][];
  known: [string, number][];
}

const { name, keepGoing, counter } = workerData as { name: string; keepGoing: boolean; counter: SharedArrayBuffer };
setCaseCounter(new Int32Array(counter));
setKeepGoing(keepGoing);
const p = ALL_PROPERTIES.find((q) => q.name === name)!;
let failure: string | undefined;
try {
  runFuzzProperty(p);
} catch (e) {
  failure = (e as Error).message;
}
const report: WorkerReport = {
  failure,
  cases: stats.cases,
  results: stats.results,
  errors: [...stats.errors],
  collected: [...collected],
  known: [...knownIssueCounts],
};
parentPort!.postMessage(report);
