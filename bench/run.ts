// Runs every bench/**/*.bench.ts in its own process (so memory figures are not shared)
// and passes through their `name: value unit` lines. A filter argument selects by path.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = import.meta.dirname;
const filter = process.argv[2] ?? '';

function findBenches(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findBenches(p));
    else if (name.endsWith('.bench.ts')) out.push(p);
  }
  return out;
}

let failed = 0;
for (const file of findBenches(root)) {
  const rel = relative(root, file);
  if (filter && !rel.includes(filter)) continue;
  process.stdout.write(`# ${rel}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', file], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`# ${rel} FAILED (exit ${r.status})\n`);
  }
}
process.exit(failed ? 1 : 0);
