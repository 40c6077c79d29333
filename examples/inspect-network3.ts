/**
 * What tsano compiles for network3: builds the `conv2-relu` network's training function (the book's train_mb) and
 * prints the nodes after each rewrite phase, the kernels it runs, and a profile of 50 calls.
 *   npx tsx examples/inspect-network3.ts [--experiment conv2-relu] [--source]
 */
import { parseArgs } from 'node:util';
import * as theano from '../src/index.js';
import { RandomState } from '../src/index.js';
import { getExperiment } from './network3/experiments.js';
import { loadDataShared } from './network3/data.js';
import { Network } from './network3/network.js';

const { values } = parseArgs({ options: { experiment: { type: 'string', default: 'conv2-relu' }, source: { type: 'boolean', default: false } } });
const exp = getExperiment(values.experiment!);
const [training] = loadDataShared({ trainSize: 1000 });
const net = new Network(exp.layers(new RandomState(0), exp.miniBatchSize), exp.miniBatchSize);
const eta = theano.shared(theano.ndarray(exp.eta), { name: 'eta' });
const train = net.trainingFunction(training, eta, exp.lmbda, 5000, { profile: true });

console.log(`# ${exp.name}: train_mb`);
console.log('\n## Rewrite phases (nodes before -> after, rules fired)');
for (const p of train.phases)
  console.log(
    `${p.phase.padEnd(16)} ${String(p.nodesBefore).padStart(4)} -> ${String(p.nodesAfter).padEnd(4)} ${[...p.fired].map(([r, n]) => `${r}×${n}`).join(' ')}`,
  );
const kernels = train.kernels();
console.log(`\n## ${kernels.length} kernels per call`);
for (const k of kernels) console.log(`${k.name}${k.ops.length > 1 ? `   [${k.ops.join(', ')}]` : ''}`);
if (values.source) for (const k of kernels.filter((k) => k.name.startsWith('fused'))) console.log(`\n// ${k.name}\n${k.source}`);
for (let j = 0; j < 50; j++) train(j);
console.log(`\n## Profile of 50 calls\n${String(train.profile())}`);
