/**
 * Runs one of the chapter's experiments by name:
 *   npm run network3 -- --experiment shallow --epochs 1 --seed 0 --results out/shallow.json
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { RandomState } from '../../src/index.js';
import { EXPERIMENTS, experimentNames, getExperiment, type Experiment } from './experiments.js';
import type { MnistSplits } from './mnist.js';
import { Network, loadDataShared, type EpochResult, type SGDOptions, type SGDResult } from './network3.js';
import { accuracySvg } from './svg.js';

export interface RunConfig {
  experiment: string;
  epochs: number;
  seed: number;
  /** Training images used (the first ones); the book uses all 50,000. */
  trainSize: number;
  miniBatchSize: number;
  eta: number;
  lmbda: number;
}

export interface ResultsFile {
  experiment: string;
  config: RunConfig;
  finished: boolean;
  epochs: EpochResult[];
  bestValidationAccuracy: number | null;
  bestIteration: number | null;
  testAccuracy: number | null;
  compileSeconds: number | null;
  totalSeconds: number | null;
  node: string;
}

export interface RunOptions {
  /** Where to save per-epoch results (JSON) and, beside it, the accuracy curve (SVG). */
  results?: string;
  /** Already loaded MNIST (tests load it once). */
  splits?: MnistSplits;
  log?: SGDOptions['log'];
  progress?: SGDOptions['progress'];
}

const USAGE = `Usage: npm run network3 -- [options]

Trains one of the networks of chapter 6 of "Neural Networks and Deep Learning" on MNIST,
printing the book's lines (a progress bar goes to stderr).

Options:
  --experiment <name>     experiment to run (default shallow); known: ${experimentNames().join(', ')}
  --epochs <n>            epochs (default: the book's, e.g. 60)
  --seed <n>              seed of the weight initialisation (default 0)
  --train-size <n>        use only the first n training images (default 50000)
  --mini-batch-size <n>   mini-batch size (default: the book's, e.g. 10)
  --eta <x>               learning rate (default: the book's, e.g. 0.1)
  --lmbda <x>             L2 regularisation (default: the book's, e.g. 0)
  --results <file.json>   write per-epoch results there after every epoch, and an
                          accuracy curve beside it (<file>.svg)
  -h, --help              show this help

Experiments:
${Object.values(EXPERIMENTS)
  .map((e) => `  ${e.name.padEnd(22)}  ${e.description}`)
  .join('\n')}`;

/** Writes a file atomically: a temporary file in the same folder, then a rename over the target. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** The SVG path that goes with a results file: results.json → results.svg. */
export function svgPathFor(resultsPath: string): string {
  const ext = extname(resultsPath);
  return (ext ? resultsPath.slice(0, -ext.length) : resultsPath) + '.svg';
}

function parseNumber(flag: string, raw: string | undefined, fallback: number, check: (v: number) => boolean, what: string): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || !check(v)) throw new Error(`--${flag} must be ${what}; got '${raw}'`);
  return v;
}

const isNonNegInt = (v: number): boolean => Number.isInteger(v) && v >= 0;
const isPosInt = (v: number): boolean => Number.isInteger(v) && v > 0;

export type ParsedArgs = { help: true } | { help: false; config: RunConfig; results?: string };

export function parseCli(argv: readonly string[]): ParsedArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      experiment: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      'train-size': { type: 'string' },
      'mini-batch-size': { type: 'string' },
      eta: { type: 'string' },
      lmbda: { type: 'string' },
      results: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) return { help: true };
  const exp: Experiment = getExperiment(values.experiment ?? 'shallow');
  const config: RunConfig = {
    experiment: exp.name,
    epochs: parseNumber('epochs', values.epochs, exp.epochs, isNonNegInt, 'a non-negative integer'),
    seed: parseNumber('seed', values.seed, 0, (v) => isNonNegInt(v) && v <= 0xffffffff, 'an integer in [0, 2^32)'),
    trainSize: parseNumber('train-size', values['train-size'], 50_000, (v) => isPosInt(v) && v <= 50_000, 'an integer in [1, 50000]'),
    miniBatchSize: parseNumber('mini-batch-size', values['mini-batch-size'], exp.miniBatchSize, isPosInt, 'a positive integer'),
    eta: parseNumber('eta', values.eta, exp.eta, (v) => v > 0, 'a positive number'),
    lmbda: parseNumber('lmbda', values.lmbda, exp.lmbda, (v) => v >= 0, 'a non-negative number'),
  };
  if (config.miniBatchSize > config.trainSize) throw new Error(`--mini-batch-size ${config.miniBatchSize} is larger than --train-size ${config.trainSize}`);
  return values.results === undefined ? { help: false, config } : { help: false, config, results: values.results };
}

function resultsFile(config: RunConfig, epochs: readonly EpochResult[], final: SGDResult | undefined): ResultsFile {
  return {
    experiment: config.experiment,
    config,
    finished: final !== undefined,
    epochs: [...epochs],
    bestValidationAccuracy: final ? final.bestValidationAccuracy : epochs.length ? Math.max(...epochs.map((e) => e.validationAccuracy)) : null,
    bestIteration: final ? final.bestIteration : null,
    testAccuracy: final ? final.testAccuracy : null,
    compileSeconds: final ? final.compileSeconds : null,
    totalSeconds: final ? final.totalSeconds : null,
    node: process.version,
  };
}

function save(path: string, data: ResultsFile): void {
  writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`);
  writeFileAtomic(svgPathFor(path), accuracySvg(data.epochs, `network3 ${data.experiment}: seed ${data.config.seed}, ${data.config.trainSize} training images, eta ${data.config.eta}, mini-batch ${data.config.miniBatchSize}`));
}

/** Builds the experiment's network and trains it, saving results after every epoch when asked. */
export function runExperiment(config: RunConfig, opts: RunOptions = {}): SGDResult {
  const exp = getExperiment(config.experiment);
  const [trainingData, validationData, testData] = loadDataShared({ trainSize: config.trainSize, ...(opts.splits ? { splits: trimSplits(opts.splits, config.trainSize) } : {}) });
  const rng = new RandomState(config.seed);
  const net = new Network(exp.layers(rng, config.miniBatchSize), config.miniBatchSize);
  const resultsPath = opts.results === undefined ? undefined : resolve(opts.results);
  const sgdOpts: SGDOptions = { testEveryEpoch: resultsPath !== undefined };
  if (opts.log) sgdOpts.log = opts.log;
  if (opts.progress !== undefined) sgdOpts.progress = opts.progress;
  if (resultsPath) {
    mkdirSync(dirname(resultsPath), { recursive: true });
    save(resultsPath, resultsFile(config, [], undefined));
    sgdOpts.onEpoch = (_e, soFar) => save(resultsPath, resultsFile(config, soFar, undefined));
  }
  const result = net.SGD(trainingData, config.epochs, config.miniBatchSize, config.eta, validationData, testData, config.lmbda, sgdOpts);
  if (resultsPath) save(resultsPath, resultsFile(config, result.epochs, result));
  return result;
}

/** The first `trainSize` training examples of already loaded splits. */
function trimSplits(splits: MnistSplits, trainSize: number): MnistSplits {
  const t = splits.training;
  if (trainSize > t.n) throw new RangeError(`trainSize ${trainSize} is more than the ${t.n} loaded training examples`);
  if (trainSize === t.n) return splits;
  return { ...splits, training: { x: t.x.subarray(0, trainSize * 784), y: t.y.subarray(0, trainSize), n: trainSize } };
}

/** The CLI; returns the exit code. */
export function main(argv: readonly string[], io: { out?: (s: string) => void; err?: (s: string) => void } = {}): number {
  const out = io.out ?? ((s: string) => console.log(s));
  const err = io.err ?? ((s: string) => console.error(s));
  let parsed: ParsedArgs;
  try {
    parsed = parseCli(argv);
  } catch (e) {
    err(`network3: ${(e as Error).message}`);
    err('Run with --help for the options.');
    return 2;
  }
  if (parsed.help) {
    out(USAGE);
    return 0;
  }
  const { config, results } = parsed;
  out(`Running experiment ${config.experiment}: ${config.epochs} epochs, mini-batch ${config.miniBatchSize}, eta ${config.eta}, lmbda ${config.lmbda}, seed ${config.seed}, ${config.trainSize} training images`);
  try {
    runExperiment(config, { log: out, ...(results !== undefined ? { results } : {}) });
  } catch (e) {
    err(`network3: ${(e as Error).message}`);
    if (process.env['NETWORK3_STACK']) err((e as Error).stack ?? '');
    return 1;
  }
  if (results !== undefined) out(`Results written to ${resolve(results)} and ${svgPathFor(resolve(results))}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
