/** The network3 command line: options, their checks, and --help. */
import { parseArgs } from 'node:util';
import { EXPERIMENTS, getExperiment, type Experiment } from './experiments.js';
import { SCHEDULE_HELP, parseSchedule } from './schedules.js';

export interface RunConfig {
  experiment: string;
  epochs: number;
  /** Seeds the weights, the dropout stream and the shuffle of the expanded data; ensemble members use seed..seed+n-1. */
  seed: number;
  /** Training images used (the first ones); the book uses all 50,000 (expanded: 5x as many). */
  trainSize: number;
  /** Validation and test images used (the first ones); the book uses all 10,000 of each. */
  validationSize: number;
  testSize: number;
  miniBatchSize: number;
  /** The learning rate, or the starting one of a schedule. */
  eta: number;
  /** A --eta-schedule (see schedules.ts); 'constant' is the book's. */
  etaSchedule: string;
  lmbda: number;
  /** Stop when the validation accuracy has not improved for this many epochs; 0 = off (the book). */
  earlyStopping: number;
  /** Training images on which the training accuracy is measured each epoch when results are written; 0 = off. */
  trainEvalSize: number;
  /** Networks in an ensemble; null for single-network experiments. */
  members: number | null;
}

/** Where the compiled functions run (theano.config.device / gpuMode, as THEANO_FLAGS=device=gpu would set). */
export interface CliDevice {
  device?: 'cpu' | 'gpu';
  gpuMode?: string;
}

export interface CliFiles {
  /** Per-epoch results (JSON); the curves, diagnostics and pictures go beside it. */
  results?: string;
  /** Save the trained network there. */
  save?: string;
  /** Start from the network saved there (its architecture must be the experiment's). */
  load?: string;
}

export type ParsedArgs = { help: true } | ({ help: false; config: RunConfig } & CliFiles & CliDevice);

export const USAGE = `Usage: npm run network3 -- [options]

Trains one of the networks of chapter 6 of "Neural Networks and Deep Learning" on MNIST,
printing the book's lines (a progress bar goes to stderr).

Options:
  --experiment <name>     experiment to run (default shallow, or the one a --load file records;
                          the list below)
  --epochs <n>            epochs (default: the book's, e.g. 60)
  --seed <n>              seed of the weights, the dropout masks and the shuffle of the expanded
                          data (default 0); ensemble members use seed, seed+1, ...
  --train-size <n>        use only the first n training images (default 50000; expanded: 5n)
  --validation-size <n>   use only the first n validation images (default 10000)
  --test-size <n>         use only the first n test images (default 10000)
  --mini-batch-size <n>   mini-batch size (default: the book's, 10)
  --eta <x>               learning rate, or the first one of a schedule (default: the book's)
  --eta-schedule <s>      learning rate by epoch (epoch 0 gets --eta):
                          ${SCHEDULE_HELP}
  --lmbda <x>             L2 regularisation (default: the book's, e.g. 0)
  --early-stopping <n>    stop when the validation accuracy has not improved for n epochs
                          (default 0: train all epochs, as the book)
  --members <n>           networks in the ensemble (default 5; ensemble only)
  --save <file>           save the trained network (architecture and weights; ensemble:
                          <file>.member<k>), written atomically
  --load <file>           start from a saved network instead of random weights; its architecture
                          must be the experiment's (--epochs 0 only evaluates it)
  --results <file.json>   write per-epoch results there after every epoch, and beside it:
                          <file>.svg (accuracy curves), <file>.overfitting.csv/.json (training vs
                          validation accuracy per epoch), <file>.filters.png (first-layer filters),
                          <file>.misclassified.svg (the misclassified test digits)
  --train-eval-size <n>   training images on which --results measures the training accuracy
                          each epoch (default 10000; 0: off)
  --device <cpu|gpu>      where the compiled functions run (default: TSANO_FLAGS' device, cpu);
                          gpu runs gpu.js kernels (on a software renderer: slow)
  --gpu-mode <mode>       gpu.js mode for --device gpu: gpu (gpu.js chooses), headlessgl, webasm,
                          cpu (default: TSANO_FLAGS' gpuMode, gpu)
  -h, --help              show this help

Experiments:
${Object.values(EXPERIMENTS)
  .map((e) => `  ${e.name.padEnd(24)}  ${e.description}`)
  .join('\n')}`;

function parseNumber(flag: string, raw: string | undefined, fallback: number, check: (v: number) => boolean, what: string): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || !check(v)) throw new Error(`--${flag} must be ${what}; got '${raw}'`);
  return v;
}

const isNonNegInt = (v: number): boolean => Number.isInteger(v) && v >= 0;
const isPosInt = (v: number): boolean => Number.isInteger(v) && v > 0;

/**
 * Parses the options. `experimentOfFile` tells which experiment a --load file records (used when --experiment is
 * not given).
 */
export function parseCli(argv: readonly string[], experimentOfFile?: (path: string) => string | null): ParsedArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      experiment: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      'train-size': { type: 'string' },
      'validation-size': { type: 'string' },
      'test-size': { type: 'string' },
      'mini-batch-size': { type: 'string' },
      eta: { type: 'string' },
      'eta-schedule': { type: 'string' },
      lmbda: { type: 'string' },
      'early-stopping': { type: 'string' },
      members: { type: 'string' },
      save: { type: 'string' },
      load: { type: 'string' },
      results: { type: 'string' },
      'train-eval-size': { type: 'string' },
      device: { type: 'string' },
      'gpu-mode': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) return { help: true };
  const fromFile = values.experiment === undefined && values.load !== undefined ? experimentOfFile?.(values.load) : undefined;
  const exp: Experiment = getExperiment(values.experiment ?? fromFile ?? 'shallow');
  if (values.members !== undefined && !exp.members) throw new Error(`--members applies only to an ensemble experiment, not ${exp.name}`);
  if (values.load !== undefined && exp.members) throw new Error(`--load loads one network; it cannot start the ensemble ${exp.name}`);
  const eta = parseNumber('eta', values.eta, exp.eta, (v) => v > 0, 'a positive number');
  const etaSchedule = values['eta-schedule'] ?? 'constant';
  parseSchedule(etaSchedule, eta); // throws on a bad one
  const config: RunConfig = {
    experiment: exp.name,
    epochs: parseNumber('epochs', values.epochs, exp.epochs, isNonNegInt, 'a non-negative integer'),
    seed: parseNumber('seed', values.seed, 0, (v) => isNonNegInt(v) && v <= 0xffffffff, 'an integer in [0, 2^32)'),
    trainSize: parseNumber('train-size', values['train-size'], 50_000, (v) => isPosInt(v) && v <= 50_000, 'an integer in [1, 50000]'),
    validationSize: parseNumber('validation-size', values['validation-size'], 10_000, (v) => isPosInt(v) && v <= 10_000, 'an integer in [1, 10000]'),
    testSize: parseNumber('test-size', values['test-size'], 10_000, (v) => isPosInt(v) && v <= 10_000, 'an integer in [1, 10000]'),
    miniBatchSize: parseNumber('mini-batch-size', values['mini-batch-size'], exp.miniBatchSize, isPosInt, 'a positive integer'),
    eta,
    etaSchedule,
    lmbda: parseNumber('lmbda', values.lmbda, exp.lmbda, (v) => v >= 0, 'a non-negative number'),
    earlyStopping: parseNumber('early-stopping', values['early-stopping'], 0, isNonNegInt, 'a non-negative integer'),
    trainEvalSize: parseNumber('train-eval-size', values['train-eval-size'], 10_000, isNonNegInt, 'a non-negative integer'),
    members: exp.members ? parseNumber('members', values.members, exp.members, isPosInt, 'a positive integer') : null,
  };
  for (const [flag, n] of [
    ['train-size', config.trainSize],
    ['validation-size', config.validationSize],
    ['test-size', config.testSize],
  ] as const) {
    if (config.miniBatchSize > n) throw new Error(`--mini-batch-size ${config.miniBatchSize} is larger than --${flag} ${n}`);
  }
  if (values.device !== undefined && values.device !== 'cpu' && values.device !== 'gpu') throw new Error(`--device must be cpu or gpu; got '${values.device}'`);
  if (values['gpu-mode'] !== undefined && !GPU_MODES.includes(values['gpu-mode']))
    throw new Error(
      `--gpu-mode must be one of ${GPU_MODES.join(', ')}; got '${values['gpu-mode']}' (webgpu answers asynchronously: not for this synchronous training loop)`,
    );
  const device: CliDevice = {};
  if (values.device !== undefined) device.device = values.device;
  if (values['gpu-mode'] !== undefined) device.gpuMode = values['gpu-mode'];
  const files: CliFiles & CliDevice = { ...device };
  if (values.results !== undefined) files.results = values.results;
  if (values.save !== undefined) files.save = values.save;
  if (values.load !== undefined) files.load = values.load;
  return { help: false, config, ...files };
}

const GPU_MODES = ['gpu', 'headlessgl', 'webgl', 'webgl2', 'webasm', 'cpu'];

/** The config an experiment runs with by default (the book's hyper-parameters and data). */
export function defaultConfig(name: string, overrides: Partial<RunConfig> = {}): RunConfig {
  const exp = getExperiment(name);
  return {
    experiment: exp.name,
    epochs: exp.epochs,
    seed: 0,
    trainSize: 50_000,
    validationSize: 10_000,
    testSize: 10_000,
    miniBatchSize: exp.miniBatchSize,
    eta: exp.eta,
    etaSchedule: 'constant',
    lmbda: exp.lmbda,
    earlyStopping: 0,
    trainEvalSize: 10_000,
    members: exp.members ?? null,
    ...overrides,
  };
}
