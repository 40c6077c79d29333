/**
 * The playground page: compiles the user's symbolic program and shows the graph before and after optimisation,
 * the generated kernels, the graph as SVG and the result; then starts the digit demo (digits.ts).
 */
import * as theano from '../src/index.js';
import { T } from '../src/index.js';
import { startDigitDemo } from './digits.js';

const EXAMPLE = `const x = T.matrix('x');
const y = T.exp(x).mul(2).add(1).sum();
return { inputs: [x], outputs: [y], values: [[[1, 2], [3, 4]]] };`;

/** What the user's code returns. */
interface Program {
  inputs: theano.Variable[];
  outputs: theano.Variable | theano.Variable[];
  values?: unknown[];
  updates?: theano.FunctionOptions['updates'];
  givens?: theano.FunctionOptions['givens'];
}

const $ = <E extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as E;

function format(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (Array.isArray(v)) return `[${v.map(format).join(', ')}]`;
  return String(v);
}

function showKernels(f: theano.TsanoFunction): void {
  const box = $('kernels');
  box.replaceChildren();
  for (const k of f.kernels()) {
    const div = document.createElement('div');
    div.className = 'kernel';
    const head = document.createElement('div');
    head.innerHTML = `<b></b> <span class="ops"></span>`;
    head.children[0]!.textContent = `${k.name} (${k.backend})`;
    head.children[1]!.textContent = `ops: ${k.ops.join(', ')}`;
    const src = document.createElement('pre');
    src.textContent = k.source;
    div.append(head, src);
    box.append(div);
  }
}

async function compile(): Promise<void> {
  const status = $('compile-status');
  const error = $('error');
  error.hidden = true;
  for (const id of ['result', 'kernels', 'before', 'after', 'svg']) $(id).replaceChildren();
  status.textContent = 'compiling…';
  try {
    const code = $<HTMLTextAreaElement>('code').value;
    const program = new Function('T', 'theano', code)(T, theano) as Program;
    if (!program || !Array.isArray(program.inputs) || !program.outputs) {
      throw new Error('the code must return { inputs: [...], outputs: ..., values: [...] }');
    }
    const outputs = Array.isArray(program.outputs) ? program.outputs : [program.outputs];
    $('before').textContent = theano.printing.debugprint(outputs);
    const t0 = performance.now();
    const f = theano.function(program.inputs, outputs, { updates: program.updates, givens: program.givens });
    const t1 = performance.now();
    $('after').textContent = theano.printing.debugprint(f);
    showKernels(f);
    const values = program.values ?? [];
    const results = f(...(values as never[])) as unknown as theano.NDArray[];
    const t2 = performance.now();
    $('result').textContent =
      results.map((r, k) => `output ${k}: ${r.dtype} shape [${r.shape.join(', ')}]\n${format(r.toArray())}`).join('\n\n') +
      `\n\ncompiled in ${(t1 - t0).toFixed(1)} ms, ran in ${(t2 - t1).toFixed(2)} ms on the CPU backend`;
    status.textContent = 'laying out the graph…';
    $('svg').innerHTML = await theano.printing.toSvg(f);
    status.textContent = 'done';
  } catch (e) {
    error.hidden = false;
    error.textContent = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    status.textContent = 'failed';
  }
}

$<HTMLTextAreaElement>('code').value = EXAMPLE;
$('compile').addEventListener('click', () => void compile());
startDigitDemo();
