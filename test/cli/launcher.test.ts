// Issue 12.16: the `p2pool` command as a newcomer runs it — from the system's PATH, whose Node may be
// older than the project's (Debian bookworm ships Node 20, which cannot load .ts files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

test("bin/p2pool runs with the project's Node even when the system's Node is older", () => {
  const r = spawnSync(join(ROOT, 'bin', 'p2pool'), ['--version'], {
    encoding: 'utf8',
    timeout: 120_000,
    cwd: '/',
    env: { HOME: process.env.HOME ?? '/root', PATH: SYSTEM_PATH },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^p2pool-ts \d+\.\d+\.\d+/);
  const sys = spawnSync('node', ['--version'], { encoding: 'utf8', env: { PATH: SYSTEM_PATH } });
  if (sys.status === 0 && Number(/^v(\d+)/.exec(sys.stdout)?.[1]) < 22) {
    // What the README's command did before the launcher: the old Node refuses the .ts entry point.
    const direct = spawnSync('node', [join(ROOT, 'services/cli/main.ts'), '--version'], { encoding: 'utf8', env: { PATH: SYSTEM_PATH } });
    assert.notEqual(direct.status, 0);
  }
});

test("package.json's bin is the launcher and its license has its text in LICENSE", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.bin.p2pool, 'bin/p2pool');
  assert.equal(pkg.license, 'GPL-3.0-or-later');
  assert.ok(existsSync(join(ROOT, 'LICENSE')));
  assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /GNU GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007/);
});

test("make help lists the targets; make run's setup installs only what running needs", () => {
  const help = spawnSync('make', ['-s', '-C', ROOT, 'help'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(help.status, 0, help.stderr);
  for (const target of ['run', 'test', 'setup', 'bench']) assert.match(help.stdout, new RegExp(`make ${target}\\s+\\S`));
  const plan = spawnSync('make', ['-n', '-C', ROOT, 'run'], { encoding: 'utf8', timeout: 60_000 });
  assert.match(plan.stdout, /scripts\/setup\.sh run/);
  const steps = spawnSync('grep', ['-l', '^# needed-by: run', '-r', join(ROOT, 'scripts/setup.d')], { encoding: 'utf8' });
  const forRun = steps.stdout
    .trim()
    .split('\n')
    .map((p) => p.split('/').pop());
  assert.deepEqual(forRun, ['30-litecoind.sh'], 'nats-server, protoc and btcd are for the tests and the cluster');
});
