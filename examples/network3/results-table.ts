/**
 * Prints the Markdown table of RESULTS.md from results files written by `--results`, so that the figures there
 * are copied from the runs, never typed:  npx tsx examples/network3/results-table.ts results/*.json
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { getExperiment } from './experiments.js';

interface EpochRow {
  best?: boolean;
  validationAccuracy: number;
  testAccuracy?: number;
  seconds: number;
}
interface ResultsFile {
  experiment: string;
  config: { epochs: number; seed: number; trainSize: number };
  finished: boolean;
  epochs: EpochRow[];
  bestValidationAccuracy: number;
  testAccuracy?: number;
  totalSeconds: number;
}

const pct = (v: number | undefined): string => (v === undefined ? '–' : `${(100 * v).toFixed(2)}%`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log('| experiment | book (test) | best validation | test at that epoch | epochs run / book | seed | median epoch | total | file |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const path of process.argv.slice(2)) {
  const r = JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
  const exp = getExperiment(r.experiment);
  const book = /(\d+\.\d+)%/.exec(exp.description)?.[1];
  const epochs = `${r.epochs.length} / ${exp.epochs}${r.finished ? '' : ' (stopped)'}`;
  // A run stopped early has its per-epoch rows only: take the test accuracy at the best validation epoch.
  const bestEpoch = [...r.epochs].reverse().find((e) => e.best);
  const test = r.finished ? r.testAccuracy : bestEpoch?.testAccuracy;
  const seconds = r.finished ? r.totalSeconds : r.epochs.reduce((t, e) => t + e.seconds, 0);
  console.log(
    `| \`${r.experiment}\` | ${book ? `${book}%` : '–'} | ${pct(r.bestValidationAccuracy)} | ${pct(test)} | ${epochs} | ${r.config.seed} | ${median(r.epochs.map((e) => e.seconds)).toFixed(0)} s | ${(seconds / 60).toFixed(1)} min | ${basename(path)} |`,
  );
}
