/**
 * Runs one of the chapter's experiments by name:
 *   npm run network3 -- --experiment conv1 --epochs 1 --seed 0 --results out/conv1.json --save out/conv1.tsano
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as theano from 'tsano';
import { USAGE, parseCli, type ParsedArgs } from './cli.js';
import { getExperiment } from './experiments.js';
import { networkFileExperiment } from './persistence.js';
import { runEnsemble, runExperiment, type RunOptions } from './run.js';

export { USAGE, defaultConfig, parseCli, type ParsedArgs, type RunConfig } from './cli.js';
export {
  runEnsemble,
  runExperiment,
  svgPathFor,
  type EnsembleResultsFile,
  type EnsembleRun,
  type ResultsFile,
  type RunOptions,
  type SingleRun,
} from './run.js';
export { writeFileAtomic } from './files.js';

/** The CLI; returns the exit code. */
export function main(argv: readonly string[], io: { out?: (s: string) => void; err?: (s: string) => void } = {}): number {
  const out = io.out ?? ((s: string) => console.log(s));
  const err = io.err ?? ((s: string) => console.error(s));
  let parsed: ParsedArgs;
  try {
    parsed = parseCli(argv, networkFileExperiment);
  } catch (e) {
    err(`network3: ${(e as Error).message}`);
    err('Run with --help for the options.');
    return 2;
  }
  if (parsed.help) {
    out(USAGE);
    return 0;
  }
  const { config } = parsed;
  if (parsed.device) theano.config.device = parsed.device;
  if (parsed.gpuMode) theano.config.gpuMode = parsed.gpuMode;
  const schedule = config.etaSchedule === 'constant' ? '' : ` (${config.etaSchedule})`;
  const extras = [
    config.members ? `${config.members} networks` : '',
    config.earlyStopping ? `early stopping after ${config.earlyStopping} epochs without improvement` : '',
    getExperiment(config.experiment).expanded ? 'expanded training data' : '',
  ].filter(Boolean);
  out(
    `Running experiment ${config.experiment}: ${config.epochs} epochs, mini-batch ${config.miniBatchSize}, eta ${config.eta}${schedule}, lmbda ${config.lmbda}, seed ${config.seed}, ${config.trainSize} training images` +
      (extras.length ? `, ${extras.join(', ')}` : '') +
      (theano.config.device === 'gpu' ? `, device gpu (gpu.js mode ${theano.config.gpuMode})` : ''),
  );
  const opts: RunOptions = { log: out };
  if (parsed.results !== undefined) opts.results = parsed.results;
  if (parsed.save !== undefined) opts.save = parsed.save;
  if (parsed.load !== undefined) opts.load = parsed.load;
  let files: string[];
  try {
    files = config.members ? runEnsemble(config, opts).files : runExperiment(config, opts).files;
  } catch (e) {
    err(`network3: ${(e as Error).message}`);
    if (process.env['NETWORK3_STACK']) err((e as Error).stack ?? '');
    return 1;
  }
  if (files.length) out(`Files written: ${[...new Set(files)].map((f) => resolve(f)).join(', ')}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
