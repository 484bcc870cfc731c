// Issue 12.6 with the real processes: the pool's own regtest litecoind left running by a SIGKILLed
// pool is found by its pid file and stopped before anything is rewritten, so the next start works;
// SIGHUP (closing the terminal) stops the pool and its litecoind like Ctrl-C does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANY_PORTS } from '../cluster/chain.ts';
import { eventually, P2poolProcess } from '../cluster/procs.ts';
import { isAlive as alive, leftoverPid } from '../../services/cli/litecoind.ts';

test('a leftover litecoind is stopped and replaced; SIGHUP stops the pool and its litecoind', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pool-leftover-'));
  const ltcDir = join(dir, 'litecoind-regtest');
  const pids: number[] = [];
  t.after(() => {
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const start = (name: string) =>
    new P2poolProcess(name, 'services/cli/main.ts', ['--net', 'litecoin_regtest', '--datadir', dir, ...ANY_PORTS]);
  const up = (p: P2poolProcess) =>
    eventually(
      async () => {
        assert.equal(p.proc.exitCode, null, p.stderr);
        assert.match(p.stderr, /p2pool is running/);
      },
      'p2pool is running',
      120_000,
    );

  const first = start('first');
  t.after(() => first.kill());
  await up(first);
  const oldPid = leftoverPid(ltcDir);
  assert.ok(oldPid !== null, 'litecoind wrote its pid file');
  pids.push(oldPid);
  first.kill(); // SIGKILL: no chance to stop litecoind
  await first.exited;
  assert.ok(alive(oldPid), 'the litecoind is left running');
  const confBefore = readFileSync(join(ltcDir, 'litecoin.conf'), 'utf8');

  const second = start('second');
  t.after(() => second.kill());
  await up(second);
  assert.match(second.stderr, new RegExp(`litecoind \\(PID ${oldPid}\\) from an earlier run is still running.*stopping it`));
  assert.equal(alive(oldPid), false, 'the leftover litecoind was stopped');
  const newPid = leftoverPid(ltcDir);
  assert.ok(newPid !== null && newPid !== oldPid);
  pids.push(newPid);
  assert.notEqual(readFileSync(join(ltcDir, 'litecoin.conf'), 'utf8'), confBefore, 'the conf is rewritten only for the new node');
  assert.doesNotMatch(second.stderr, /Cannot obtain a lock/);

  second.proc.kill('SIGHUP');
  const { code } = await second.exited;
  assert.equal(code, 0, second.stderr);
  await eventually(async () => assert.equal(alive(newPid), false), 'its litecoind stopped', 30_000);
});
