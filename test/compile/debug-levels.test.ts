import { afterEach, describe, expect, it } from 'vitest';
import * as theano from '../../src/index.js';
import { T } from '../../src/index.js';
import { setDebugSink } from '../../src/util/debug.js';

describe('debug levels', () => {
  const lines: string[] = [];
  afterEach(() => {
    theano.config.debug = 0;
    setDebugSink((l) => process.stderr.write(l + '\n'));
    lines.length = 0;
  });

  const compileAt = (level: number) => {
    setDebugSink((l) => lines.push(l));
    theano.config.debug = level;
    const x = T.dvector('x');
    theano.function([x], x.mul(1).exp().sum(), { name: 'f' });
    return lines.join('\n');
  };

  it('1: a compile summary', () => {
    const out = compileAt(1);
    expect(out).toMatch(/compiled function 'f' \(FAST_RUN\): \d+ -> \d+ nodes/);
    expect(out).not.toMatch(/after merge/);
  });

  it('3: the graph after each phase; 4: kernel source; 5: every rule that fires', () => {
    expect(compileAt(3)).toMatch(/after canonicalize \(\d+ -> \d+ nodes\):\n/);
    lines.length = 0;
    expect(compileAt(4)).toMatch(/\/\/ fusedSum\{exp\(a0\)\}\nfunction anonymous/);
    lines.length = 0;
    expect(compileAt(5)).toMatch(/canonicalize: mulByOne \(1 \* x, x \* 1 -> x\)/);
  });
});
