import { describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { FunctionGraph } from '../../src/ir/fgraph.js';

describe('FunctionGraph', () => {
  it('orders nodes after their dependencies and tracks clients', () => {
    const x = T.dvector('x');
    const a = x.mul(2);
    const b = a.add(x);
    const c = b.sum();
    const fg = new FunctionGraph([x], [c]);
    const order = fg.toposort();
    expect(order.indexOf(a.owner!)).toBeLessThan(order.indexOf(b.owner!));
    expect(order.indexOf(b.owner!)).toBeLessThan(order.indexOf(c.owner!));
    expect(
      fg
        .clients(x)
        .map((cl) => (cl.node === 'output' ? 'output' : cl.node.op.name))
        .sort(),
    ).toEqual(['add', 'mul']);
    expect(fg.clients(c)).toEqual([{ node: 'output', index: 0 }]);
  });

  it('replace rewires every client and keeps the user name', () => {
    const x = T.dvector('x');
    const a = x.mul(2);
    a.name = 'doubled';
    const out = a.add(1).sum();
    const fg = new FunctionGraph([x], [out]);
    const repl = x.add(x);
    fg.replace(a, repl, 'test');
    expect(repl.name).toBe('doubled');
    expect(fg.clients(a)).toEqual([]);
    expect(fg.clients(repl).length).toBe(1);
    expect(fg.toposort()).not.toContain(a.owner);
  });

  it('replace refuses a variable of another type', () => {
    const x = T.dvector('x');
    const out = x.sum();
    const fg = new FunctionGraph([x], [out]);
    expect(() => fg.replace(x, T.dmatrix('m'))).toThrow(/types differ/);
  });

  it('handles deep graphs without overflowing the stack', () => {
    const x = T.dscalar('x');
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.add(1);
    const f = theano.function([x], y);
    expect(f(0).item()).toBe(20000);
  });
});
