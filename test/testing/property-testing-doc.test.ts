/** docs/property-testing.md shows its runnable example exactly as test/testing/property-testing-guide.test.ts runs it. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

describe('docs/property-testing.md', () => {
  it('shows the guide example verbatim (the example itself runs as a test)', () => {
    const doc = readFileSync(resolve(root, 'docs/property-testing.md'), 'utf8');
    const example = readFileSync(resolve(root, 'test/testing/property-testing-guide.test.ts'), 'utf8');
    const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(example);
  });

  it('states the default seed and composite count that the suites use', async () => {
    const doc = readFileSync(resolve(root, 'docs/property-testing.md'), 'utf8');
    const { DEFAULT_SEED, DEFAULT_GRAPH_RUNS } = await import('../props/config.js');
    expect(doc).toContain(`fixed seed \`${DEFAULT_SEED}\``);
    expect(doc).toContain(`**${DEFAULT_GRAPH_RUNS}** + 30 graphs`);
  });
});
