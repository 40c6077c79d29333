/**
 * Runs an experiment: prepares the data (the book's split, optionally expanded), builds or loads the network,
 * trains it, saves it, and writes the results, curves, diagnostics and pictures. The ensemble trains several
 * networks the same way and lets them vote.
 */
import { mkdirSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { RandomState } from '../../src/index.js';
import type { RunConfig } from './cli.js';
import { expandMnist, headSplit, loadDataShared, type SharedData } from './data.js';
import { overfittingCsv, overfittingReport } from './diagnostics.js';
import { accuracyOf, vote } from './ensemble.js';
import { getExperiment, type Experiment } from './experiments.js';
import { besideResults, writeFileAtomic } from './files.js';
import { seedDropout } from './layers.js';
import { loadMnistSplits, type MnistSplits } from './mnist.js';
import { Network, formatPercent, type EpochResult, type SGDOptions, type SGDResult } from './network.js';
import { filtersPng, misclassifiedIndices, misclassifiedSvg } from './pictures.js';
import { loadNetwork, saveNetwork } from './persistence.js';
import { formatDuration } from './progress.js';
import { parseSchedule } from './schedules.js';
import { accuracySvg } from './svg.js';

export interface ResultsFile {
  experiment: string;
  config: RunConfig;
  finished: boolean;
  epochs: EpochResult[];
  bestValidationAccuracy: number | null;
  bestIteration: number | null;
  /** Test accuracy at the best validation accuracy (the book's figure). */
  testAccuracy: number | null;
  stoppedEarly: boolean | null;
  /** Accuracy of the final network on every test image used. */
  finalTestAccuracy: number | null;
  misclassified: number | null;
  compileSeconds: number | null;
  totalSeconds: number | null;
  node: string;
}

export interface EnsembleResultsFile {
  experiment: string;
  config: RunConfig;
  finished: boolean;
  members: { member: number; seed: number; results: string | null; bestValidationAccuracy: number; testAccuracy: number | null; finalTestAccuracy: number }[];
  /** Accuracy of the majority vote on the test images used. */
  ensembleTestAccuracy: number | null;
  misclassified: number | null;
  testSize: number;
  node: string;
}

export interface RunOptions {
  /** Where to save per-epoch results (JSON); curves, diagnostics and pictures go beside it. */
  results?: string;
  /** Save the trained network there (ensemble: one file per member, <file>.member<k>). */
  save?: string;
  /** Start from this saved network. */
  load?: string;
  /** Already loaded MNIST (tests load it once); trimmed to the config's sizes. */
  splits?: MnistSplits;
  log?: (line: string) => void;
  progress?: SGDOptions['progress'];
}

export interface SingleRun {
  result: SGDResult;
  network: Network;
  /** Accuracy of the final network on every test image used, and its predictions. */
  finalTestAccuracy: number;
  testPredictions: Int32Array;
  testLabels: Int32Array;
  /** Files written. */
  files: string[];
}

export interface EnsembleRun {
  members: SingleRun[];
  /** Each member's predictions on the test images, and the vote. */
  memberPredictions: Int32Array[];
  predictions: Int32Array;
  labels: Int32Array;
  accuracy: number;
  files: string[];
}

/** The SVG path that goes with a results file: results.json → results.svg. */
export function svgPathFor(resultsPath: string): string {
  return besideResults(resultsPath, '.svg');
}

interface PreparedData {
  splits: MnistSplits;
  shared: [SharedData, SharedData, SharedData];
}

function prepareData(config: RunConfig, exp: Experiment, given: MnistSplits | undefined, log: (l: string) => void): PreparedData {
  const all = given ?? loadMnistSplits({ trainSize: config.trainSize });
  const check = (what: string, want: number, have: number): void => {
    if (want > have) throw new RangeError(`${what} ${want} is more than the ${have} loaded ${what.replace('Size', '')} examples`);
  };
  check('trainSize', config.trainSize, all.training.n);
  check('validationSize', config.validationSize, all.validation.n);
  check('testSize', config.testSize, all.test.n);
  let training = headSplit(all.training, config.trainSize);
  if (exp.expanded) {
    const t0 = performance.now();
    training = expandMnist(training, { shuffle: config.seed });
    log(`Expanded the training data by one-pixel shifts: ${config.trainSize} images → ${training.n} (${formatDuration((performance.now() - t0) / 1000)})`);
  }
  const splits = { training, validation: headSplit(all.validation, config.validationSize), test: headSplit(all.test, config.testSize) };
  return { splits, shared: loadDataShared({ splits }) };
}

function resultsFile(
  config: RunConfig,
  epochs: readonly EpochResult[],
  done?: { sgd: SGDResult; finalTestAccuracy: number; misclassified: number },
): ResultsFile {
  const sgd = done?.sgd;
  return {
    experiment: config.experiment,
    config,
    finished: done !== undefined,
    epochs: [...epochs],
    bestValidationAccuracy: sgd ? sgd.bestValidationAccuracy : epochs.length ? Math.max(...epochs.map((e) => e.validationAccuracy)) : null,
    bestIteration: sgd ? sgd.bestIteration : null,
    testAccuracy: sgd ? sgd.testAccuracy : null,
    stoppedEarly: sgd ? sgd.stoppedEarly : null,
    finalTestAccuracy: done ? done.finalTestAccuracy : null,
    misclassified: done ? done.misclassified : null,
    compileSeconds: sgd ? sgd.compileSeconds : null,
    totalSeconds: sgd ? sgd.totalSeconds : null,
    node: process.version,
  };
}

/** Writes the results JSON, the accuracy curves and the overfitting diagnostics; returns the paths. */
function writeResults(path: string, data: ResultsFile, trainingEvalSize: number): string[] {
  const c = data.config;
  const curve = accuracySvg(
    data.epochs,
    `network3 ${data.experiment}: seed ${c.seed}, ${c.trainSize} training images, eta ${c.eta}, mini-batch ${c.miniBatchSize}`,
  );
  const files: [string, string][] = [
    [path, `${JSON.stringify(data, null, 2)}\n`],
    [svgPathFor(path), curve],
    [besideResults(path, '.overfitting.csv'), overfittingCsv(data.epochs)],
    [besideResults(path, '.overfitting.json'), `${JSON.stringify(overfittingReport(data.experiment, trainingEvalSize, data.epochs), null, 2)}\n`],
  ];
  for (const [p, text] of files) writeFileAtomic(p, text);
  return files.map(([p]) => p);
}

interface TrainOneOptions {
  results?: string;
  save?: string;
  load?: string;
  pictures: boolean;
  log: (line: string) => void;
  progress?: SGDOptions['progress'];
}

/** Builds (or loads) one network of the experiment, trains it from `seed`, and writes what was asked for. */
function trainOne(config: RunConfig, exp: Experiment, data: PreparedData, seed: number, o: TrainOneOptions): SingleRun {
  const log = o.log;
  const [trainingData, validationData, testData] = data.shared;
  seedDropout(seed); // before the layers are wired: dropoutLayer draws its streams from it
  let net: Network;
  if (o.load) {
    const expected = exp.layers(new RandomState(seed), config.miniBatchSize).map((l) => l.spec());
    const loaded = loadNetwork(o.load, { expect: { layers: expected, miniBatchSize: config.miniBatchSize, name: `experiment ${exp.name}` } });
    net = loaded.network;
    log(
      `Loaded network from ${o.load}: validation accuracy ${formatPercent(net.accuracy(validationData))}, test accuracy ${formatPercent(net.accuracy(testData))}`,
    );
  } else {
    net = new Network(exp.layers(new RandomState(seed), config.miniBatchSize), config.miniBatchSize);
  }
  const files: string[] = [];
  // The training images the training accuracy is measured on: whole mini-batches from the start.
  const evalN = Math.floor(Math.min(config.trainEvalSize, data.splits.training.n) / config.miniBatchSize) * config.miniBatchSize;
  const sgdOpts: SGDOptions = { testEveryEpoch: o.results !== undefined, log };
  if (config.earlyStopping > 0) sgdOpts.earlyStopping = config.earlyStopping;
  if (o.progress !== undefined) sgdOpts.progress = o.progress;
  if (o.results) {
    const path = o.results;
    mkdirSync(dirname(path), { recursive: true });
    sgdOpts.trainingAccuracySize = config.trainEvalSize;
    writeResults(path, resultsFile(config, []), evalN);
    sgdOpts.onEpoch = (_e, soFar) => writeResults(path, resultsFile(config, soFar), evalN);
  }
  const result = net.SGD(
    trainingData,
    config.epochs,
    config.miniBatchSize,
    parseSchedule(config.etaSchedule, config.eta),
    validationData,
    testData,
    config.lmbda,
    sgdOpts,
  );
  if (o.save) {
    mkdirSync(dirname(resolve(o.save)), { recursive: true });
    saveNetwork(net, o.save, { experiment: exp.name });
    log(`Network saved to ${o.save}`);
    files.push(o.save);
  }
  const { predictions, labels } = net.evaluate(testData);
  const finalTestAccuracy = accuracyOf(predictions, labels);
  if (o.results) {
    const misclassified = misclassifiedIndices(labels, predictions).length;
    files.push(...writeResults(o.results, resultsFile(config, result.epochs, { sgd: result, finalTestAccuracy, misclassified }), evalN));
    if (o.pictures)
      files.push(...writePictures(o.results, [net], { images: data.splits.test.x, labels, predictions, title: `network3 ${exp.name} (seed ${seed})` }));
  }
  return { result, network: net, finalTestAccuracy, testPredictions: predictions, testLabels: labels, files };
}

/** The first-layer filters (PNG) and the misclassified test digits (SVG), beside the results. */
function writePictures(
  resultsPath: string,
  nets: Network[],
  mis: { images: Float32Array; labels: Int32Array; predictions: Int32Array; title: string },
): string[] {
  const filters = besideResults(resultsPath, '.filters.png');
  const wrong = besideResults(resultsPath, '.misclassified.svg');
  writeFileAtomic(filters, filtersPng(nets));
  writeFileAtomic(wrong, misclassifiedSvg(mis));
  return [filters, wrong];
}

/** Builds the experiment's network and trains it, saving results after every epoch when asked. */
export function runExperiment(config: RunConfig, opts: RunOptions = {}): SingleRun {
  const exp = getExperiment(config.experiment);
  if (exp.members) throw new Error(`experiment ${exp.name} is an ensemble; run it with runEnsemble`);
  const log = opts.log ?? ((line: string) => console.log(line));
  const data = prepareData(config, exp, opts.splits, log);
  const o: TrainOneOptions = { pictures: true, log };
  if (opts.results !== undefined) o.results = resolve(opts.results);
  if (opts.save !== undefined) o.save = opts.save;
  if (opts.load !== undefined) o.load = opts.load;
  if (opts.progress !== undefined) o.progress = opts.progress;
  return trainOne(config, exp, data, config.seed, o);
}

/**
 * The chapter's ensemble: trains `config.members` networks of the experiment from seeds seed, seed+1, ... on the
 * same data, then each test image gets the label most of them predict (see `vote`).
 */
export function runEnsemble(config: RunConfig, opts: RunOptions = {}): EnsembleRun {
  const exp = getExperiment(config.experiment);
  const count = config.members ?? exp.members ?? 5;
  if (opts.load !== undefined) throw new Error('runEnsemble: --load loads one network; it cannot start an ensemble');
  const log = opts.log ?? ((line: string) => console.log(line));
  const data = prepareData(config, exp, opts.splits, log);
  const resultsPath = opts.results === undefined ? undefined : resolve(opts.results);
  const members: SingleRun[] = [];
  const summary = (done?: { accuracy: number; misclassified: number }): EnsembleResultsFile => ({
    experiment: exp.name,
    config,
    finished: done !== undefined,
    members: members.map((m, k) => ({
      member: k + 1,
      seed: config.seed + k,
      results: resultsPath ? besideResults(resultsPath, `.member${k + 1}.json`) : null,
      bestValidationAccuracy: m.result.bestValidationAccuracy,
      testAccuracy: m.result.testAccuracy,
      finalTestAccuracy: m.finalTestAccuracy,
    })),
    ensembleTestAccuracy: done ? done.accuracy : null,
    misclassified: done ? done.misclassified : null,
    testSize: data.splits.test.n,
    node: process.version,
  });
  const files: string[] = [];
  for (let k = 0; k < count; k++) {
    const seed = config.seed + k;
    log(`Training ensemble member ${k + 1} of ${count} (seed ${seed})`);
    const o: TrainOneOptions = { pictures: false, log };
    if (resultsPath) o.results = besideResults(resultsPath, `.member${k + 1}.json`);
    if (opts.save !== undefined) o.save = besideResults(opts.save, `.member${k + 1}${extname(opts.save)}`);
    if (opts.progress !== undefined) o.progress = opts.progress;
    const run = trainOne({ ...config, seed }, exp, data, seed, o);
    members.push(run);
    files.push(...run.files);
    if (resultsPath) writeFileAtomic(resultsPath, `${JSON.stringify(summary(), null, 2)}\n`);
  }
  const memberPredictions = members.map((m) => m.testPredictions);
  const labels = members[0]!.testLabels;
  const predictions = vote(memberPredictions);
  const accuracy = accuracyOf(predictions, labels);
  const misclassified = misclassifiedIndices(labels, predictions).length;
  members.forEach((m, k) => log(`Member ${k + 1} (seed ${config.seed + k}): test accuracy ${formatPercent(m.finalTestAccuracy)}`));
  log(
    `Ensemble of ${count} networks (majority vote): test accuracy ${formatPercent(accuracy)} (${misclassified} of ${labels.length} test images misclassified)`,
  );
  if (resultsPath) {
    writeFileAtomic(resultsPath, `${JSON.stringify(summary({ accuracy, misclassified }), null, 2)}\n`);
    files.push(resultsPath);
    files.push(
      ...writePictures(
        resultsPath,
        members.map((m) => m.network),
        { images: data.splits.test.x, labels, predictions, title: `network3 ensemble of ${count} (seeds ${config.seed}..${config.seed + count - 1})` },
      ),
    );
  }
  return { members, memberPredictions, predictions, labels, accuracy, files };
}
