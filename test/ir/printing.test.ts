import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';

describe('printing', () => {
  it('debugprint lists the tree with ids, shared nodes printed once', () => {
    const x = T.matrix('x');
    const w = T.matrix('w');
    const h = T.dot(x, w);
    h.name = 'h';
    const out = h.add(h);
    expect(theano.printing.debugprint(out)).toBe(['add [id A]', " |dot [id B] 'h'", ' | |x [id C]', ' | |w [id D]', " |dot [id B] 'h'"].join('\n'));
  });

  it('debugprint can show types', () => {
    const v = T.ivector('v');
    expect(theano.printing.debugprint(v.sum(), { types: true })).toBe(['sum{axis=(0)} [id A] <int32 scalar>', ' |v [id B] <int32 vector>'].join('\n'));
  });

  it('pp prints infix and function forms', () => {
    const x = T.matrix('x');
    const w = T.matrix('w');
    const b = T.vector('b');
    expect(theano.printing.pp(T.nnet.sigmoid(T.dot(x, w).add(b)))).toBe('sigmoid(((x \\dot w) + b))');
    expect(theano.printing.pp(x.T.get(0, T.slice(1, null)))).toBe('x.T[0, 1:]');
    expect(theano.printing.pp(x.mul(2).sum(1))).toBe('sum{axis=(1)}((x * 2))');
  });

  it('debugprint of a compiled function shows the graph it runs, givens substituted', () => {
    const x = T.vector('x');
    const y = T.vector('y');
    const f = theano.function([y], x.sum(), { givens: [[x, y.mul(2)]] });
    const text = theano.printing.debugprint(f);
    expect(text).toContain('y [id');
    expect(text).not.toMatch(/^\s*\|x \[id/m);
  });
});

describe('toDot', () => {
  it('writes Graphviz DOT with op boxes, input ellipses and typed edges', () => {
    const x = T.matrix('x');
    const w = theano.shared(theano.ndarray([[1]]), { name: 'w' });
    const out = T.dot(x, w).mul(2);
    out.name = 'scaled';
    const dot = theano.printing.toDot(out);
    expect(dot).toMatch(/^digraph G \{/);
    expect(dot).toMatch(/\[shape=box, label="mul\\n'scaled'"\]/);
    expect(dot).toMatch(/\[shape=ellipse, label="x"\]/);
    expect(dot).toMatch(/\[shape=doublecircle, label="w"\]/);
    expect(dot).toMatch(/-> n\d+ \[label="float32 matrix"/);
    expect(dot.trim().endsWith('}')).toBe(true);
  });

  it('shows a compiled function after fusion', () => {
    const x = T.dvector('x');
    const f = theano.function([x], x.mul(2).exp());
    expect(theano.printing.toDot(f)).toContain('fused{exp(mul(a0, a1))}');
  });
});

describe('toSvg', () => {
  it('renders the DOT graph to SVG with the op labels', async () => {
    const x = T.dvector('x');
    const svg = await theano.printing.toSvg(x.mul(2).exp().sum());
    expect(svg).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
    expect(svg).toContain('sum{axis=(0)}');
    expect(svg).toContain('>x<');
  });
});
