// The repository tests itself: no test or source reads reference material from outside the clone
// (the vectors and fixtures it needs are in test/vectors and test/fixtures, README there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

test('no source or test reads a shared/ folder beside the clone', () => {
  const outside = /['"`/]shared\/(vectors|fixtures|spec)|\.\.\/\.\.\/\.\.\/shared|'shared', '(vectors|fixtures)'/;
  const found = ['services', 'test', 'bench', 'operator']
    .flatMap((d) => {
      try {
        return sources(join(root, d));
      } catch {
        return [];
      }
    })
    .filter((f) => outside.test(readFileSync(f, 'utf8')))
    .map((f) => relative(root, f));
  assert.deepEqual(found, [], 'read the copies in test/vectors or test/fixtures instead');
});
