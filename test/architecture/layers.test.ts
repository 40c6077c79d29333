import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

// DESIGN.md: util ← ir ← ops ← {passes, codegen} ← compile ← tensor ← index; passes and codegen never meet.
const allowed: Record<string, string[]> = {
  util: ['util'],
  ir: ['util', 'ir'],
  ops: ['util', 'ir', 'ops'],
  passes: ['util', 'ir', 'ops', 'passes'],
  codegen: ['util', 'ir', 'ops', 'codegen'],
  compile: ['util', 'ir', 'ops', 'passes', 'codegen', 'compile'],
  tensor: ['util', 'ir', 'ops', 'passes', 'tensor'],
  // tsano/testing, a second public entry: like index.ts it may import every layer, and the public entry itself.
  testing: ['util', 'ir', 'ops', 'passes', 'codegen', 'compile', 'tensor', 'testing', 'index.js'],
};

const src = resolve(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('layering', () => {
  it('every import goes only to layers to its left', () => {
    const violations: string[] = [];
    for (const file of files(src)) {
      const layer = relative(src, file).split('/')[0]!;
      if (layer === 'index.ts') continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
        const target = relative(src, resolve(dirname(file), m[1]!)).split('/')[0]!;
        if (!allowed[layer]!.includes(target)) violations.push(`${relative(src, file)} imports ${m[1]} (layer ${target})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('only src/codegen/gpu may import gpu.js', () => {
    const offenders = files(src).filter((f) => !relative(src, f).startsWith('codegen/gpu') && /from 'gpu\.js'/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
