// Every experiment of the chapter runs by name (shortened: one epoch, a few hundred training images, 100 validation
// and test images), and the ensemble really votes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/index.js';
import { EXPERIMENTS, experimentNames, getExperiment } from '../../examples/network3/experiments.js';
import {
  defaultConfig,
  parseCli,
  runEnsemble,
  runExperiment,
  type EnsembleResultsFile,
  type EnsembleRun,
  type ResultsFile,
} from '../../examples/network3/main.js';
import { loadMnistSplits, type MnistSplits } from '../../examples/network3/mnist.js';
import { accuracyOf, architecture, describeSpec } from '../../examples/network3/network3.js';

let splits: MnistSplits;
let tmp: string;
beforeAll(() => {
  splits = loadMnistSplits({ trainSize: 1000 });
  tmp = mkdtempSync(join(tmpdir(), 'network3-experiments-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// The book's architectures (network3.py calls in the chapter), as layer descriptions.
const conv20 = (act: string): string => `ConvPoolLayer(filterShape [20, 1, 5, 5], imageShape [10, 1, 28, 28], poolsize [2, 2], ${act})`;
const conv40 = (act: string): string => `ConvPoolLayer(filterShape [40, 20, 5, 5], imageShape [10, 20, 12, 12], poolsize [2, 2], ${act})`;
const fc = (nIn: number, nOut: number, act: string, p = 0): string => `FullyConnectedLayer(nIn ${nIn}, nOut ${nOut}, ${act}, pDropout ${p})`;
const sm = (nIn: number, p = 0): string => `SoftmaxLayer(nIn ${nIn}, nOut 10, pDropout ${p})`;
const conv2 = (act: string): string[] => [conv20(act), conv40(act), fc(640, 100, act), sm(100)];
const BOOK: Record<string, { layers: string[]; epochs: number; eta: number; lmbda: number; expanded: boolean; members?: number }> = {
  shallow: { layers: [fc(784, 100, 'sigmoid'), sm(100)], epochs: 60, eta: 0.1, lmbda: 0, expanded: false },
  conv1: { layers: [conv20('sigmoid'), fc(2880, 100, 'sigmoid'), sm(100)], epochs: 60, eta: 0.1, lmbda: 0, expanded: false },
  conv2: { layers: conv2('sigmoid'), epochs: 60, eta: 0.1, lmbda: 0, expanded: false },
  'conv2-tanh': { layers: conv2('tanh'), epochs: 20, eta: 0.1, lmbda: 0, expanded: false },
  'conv2-relu': { layers: conv2('ReLU'), epochs: 60, eta: 0.03, lmbda: 0.1, expanded: false },
  'conv2-relu-expanded': { layers: conv2('ReLU'), epochs: 60, eta: 0.03, lmbda: 0.1, expanded: true },
  'conv2-relu-expanded-fc2': {
    layers: [conv20('ReLU'), conv40('ReLU'), fc(640, 100, 'ReLU'), fc(100, 100, 'ReLU'), sm(100)],
    epochs: 60,
    eta: 0.03,
    lmbda: 0.1,
    expanded: true,
  },
  dropout: {
    layers: [conv20('ReLU'), conv40('ReLU'), fc(640, 1000, 'ReLU', 0.5), fc(1000, 1000, 'ReLU', 0.5), sm(1000, 0.5)],
    epochs: 40,
    eta: 0.03,
    lmbda: 0,
    expanded: true,
  },
  ensemble: {
    layers: [conv20('ReLU'), conv40('ReLU'), fc(640, 1000, 'ReLU', 0.5), fc(1000, 1000, 'ReLU', 0.5), sm(1000, 0.5)],
    epochs: 40,
    eta: 0.03,
    lmbda: 0,
    expanded: true,
    members: 5,
  },
};

describe('the experiments table', () => {
  it("has the chapter's experiments with the book's hyper-parameters and architectures", () => {
    expect(experimentNames()).toEqual(Object.keys(BOOK));
    for (const [name, book] of Object.entries(BOOK)) {
      const e = getExperiment(name);
      expect({ epochs: e.epochs, eta: e.eta, lmbda: e.lmbda, expanded: e.expanded, miniBatchSize: e.miniBatchSize }, name).toEqual({
        epochs: book.epochs,
        eta: book.eta,
        lmbda: book.lmbda,
        expanded: book.expanded,
        miniBatchSize: 10,
      });
      expect(e.members, name).toBe(book.members);
      expect(
        e.layers(new RandomState(0), 10).map((l) => describeSpec(l.spec())),
        name,
      ).toEqual(book.layers);
    }
  });

  it('--epochs, --seed and --train-size override the book', () => {
    const p = parseCli(['--experiment', 'conv2-relu', '--epochs', '3', '--seed', '7', '--train-size', '1000']);
    expect(p.help).toBe(false);
    if (!p.help) expect(p.config).toEqual(defaultConfig('conv2-relu', { epochs: 3, seed: 7, trainSize: 1000 }));
    const q = parseCli(['--experiment', 'ensemble', '--members', '3']);
    if (!q.help) expect(q.config.members).toBe(3);
    expect(() => parseCli(['--experiment', 'ensemble', '--load', 'x.json'])).toThrow(/cannot start the ensemble/);
  });
});

// Training images per experiment (expanded ones get 5x as many): about 30 mini-batches each, so the whole file
// stays well under a minute on the reference CPU backend.
const TRAIN_SIZE: Record<string, number> = {
  shallow: 1000,
  conv1: 300,
  conv2: 300,
  'conv2-tanh': 300,
  'conv2-relu': 300,
  'conv2-relu-expanded': 60,
  'conv2-relu-expanded-fc2': 60,
  dropout: 40,
};

describe('every experiment runs (1 epoch, shortened)', () => {
  for (const name of Object.keys(TRAIN_SIZE)) {
    it(name, () => {
      const cfg = defaultConfig(name, { epochs: 1, trainSize: TRAIN_SIZE[name]!, validationSize: 100, testSize: 100, trainEvalSize: 100 });
      const lines: string[] = [];
      const path = join(tmp, `${name}.json`);
      const run = runExperiment(cfg, { splits, results: path, log: (l) => lines.push(l), progress: false });
      expect(architecture(run.network).map(describeSpec)).toEqual(BOOK[name]!.layers);
      expect(run.result.epochs).toHaveLength(1);
      const e = run.result.epochs[0]!;
      expect(e.iteration + 1).toBe((TRAIN_SIZE[name]! * (BOOK[name]!.expanded ? 5 : 1)) / 10);
      expect(e.eta).toBe(BOOK[name]!.eta);
      expect(Number.isFinite(e.meanCost)).toBe(true);
      for (const a of [e.validationAccuracy, e.trainingAccuracy!, run.finalTestAccuracy]) {
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
      }
      expect(lines).toContain(`Epoch 0: validation accuracy ${(e.validationAccuracy * 100).toFixed(2)}%`);
      if (BOOK[name]!.expanded)
        expect(lines[0]).toBe(
          `Expanded the training data by one-pixel shifts: ${TRAIN_SIZE[name]} images → ${TRAIN_SIZE[name]! * 5} ${lines[0]!.slice(lines[0]!.lastIndexOf('('))}`,
        );
      const results = JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
      expect(results).toMatchObject({ experiment: name, finished: true, finalTestAccuracy: run.finalTestAccuracy });
      expect(
        readFileSync(join(tmp, `${name}.filters.png`))
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    });
  }

  it('the shallow run learns even in one short epoch (the pipeline is sound)', () => {
    const results = JSON.parse(readFileSync(join(tmp, 'shallow.json'), 'utf8')) as ResultsFile;
    expect(results.finalTestAccuracy).toBeGreaterThan(0.3);
  });
});

describe('ensemble', () => {
  let run: EnsembleRun;
  let lines: string[];
  const path = (): string => join(tmp, 'ensemble.json');

  beforeAll(() => {
    lines = [];
    const cfg = defaultConfig('ensemble', { epochs: 1, seed: 11, trainSize: 20, validationSize: 100, testSize: 100, trainEvalSize: 50 });
    run = runEnsemble(cfg, { splits, results: path(), log: (l) => lines.push(l), progress: false });
  }, 120_000);

  it('trains 5 dropout networks from seeds seed..seed+4', () => {
    expect(run.members).toHaveLength(5);
    expect(lines.filter((l) => l.startsWith('Training ensemble member'))).toEqual(
      [1, 2, 3, 4, 5].map((k) => `Training ensemble member ${k} of 5 (seed ${10 + k})`),
    );
    for (const m of run.members) expect(architecture(m.network).map(describeSpec)).toEqual(BOOK['dropout']!.layers);
    // Different seeds: different initial (and so trained) weights.
    const w0 = run.members.map((m) => m.network.layers[0]!.w.getValue().data[0]);
    expect(new Set(w0).size).toBe(5);
  });

  it('votes: each test image gets the majority of the 5 predicted labels', () => {
    expect(run.memberPredictions).toHaveLength(5);
    for (const p of run.memberPredictions) expect(p).toHaveLength(100);
    // Independently of vote(): count the labels for a few images.
    for (const i of [0, 1, 2, 3, 17, 42, 99]) {
      const labels = run.memberPredictions.map((p) => p[i]!);
      const counts = new Map<number, number>();
      for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
      const top = Math.max(...counts.values());
      const winners = [...counts].filter(([, c]) => c === top).map(([l]) => l);
      expect(winners).toContain(run.predictions[i]);
      if (winners.length === 1) expect(run.predictions[i]).toBe(winners[0]);
      else expect(run.predictions[i]).toBe(labels.find((l) => winners.includes(l))); // a tie: the earliest member's
    }
    // Each member's own predictions are its network's.
    run.members.forEach((m, k) => expect(run.memberPredictions[k]).toEqual(m.testPredictions));
  });

  it("reports the ensemble's accuracy and each member's, and draws its misclassified digits", () => {
    expect(run.accuracy).toBe(accuracyOf(run.predictions, run.labels));
    run.members.forEach((m, k) => expect(lines).toContain(`Member ${k + 1} (seed ${11 + k}): test accuracy ${(m.finalTestAccuracy * 100).toFixed(2)}%`));
    const wrong = run.labels.filter((l, i) => l !== run.predictions[i]).length;
    expect(lines.at(-1)).toBe(
      `Ensemble of 5 networks (majority vote): test accuracy ${(run.accuracy * 100).toFixed(2)}% (${wrong} of 100 test images misclassified)`,
    );
    const file = JSON.parse(readFileSync(path(), 'utf8')) as EnsembleResultsFile;
    expect(file).toMatchObject({ experiment: 'ensemble', finished: true, ensembleTestAccuracy: run.accuracy, misclassified: wrong, testSize: 100 });
    expect(file.members.map((m) => m.seed)).toEqual([11, 12, 13, 14, 15]);
    const svg = readFileSync(join(tmp, 'ensemble.misclassified.svg'), 'utf8');
    expect(svg).toContain(`${wrong} of 100 test images misclassified`);
    expect(svg.match(/<image /g) ?? []).toHaveLength(Math.min(wrong, 100));
    expect(readFileSync(join(tmp, 'ensemble.member3.json'), 'utf8')).toContain('"finished": true');
    expect(readFileSync(join(tmp, 'ensemble.filters.png')).subarray(1, 4).toString()).toBe('PNG');
  });
});

it('covers every experiment', () => {
  expect([...Object.keys(TRAIN_SIZE), 'ensemble'].sort()).toEqual(Object.keys(EXPERIMENTS).sort());
});
