// What `make run` does (`p2pool --net litecoin_regtest_v36 --demo-miner` with no full node given): it
// starts litecoind on regtest, the pool, and the CPU miner; the terminal shows the web address, shares
// and blocks; Ctrl-C (SIGINT) stops the miner, the pool and litecoind, and exits 0.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANY_PORTS } from '../cluster/chain.ts';
import { eventually, getJson, P2poolProcess } from '../cluster/procs.ts';

const dir = mkdtempSync(join(tmpdir(), 'p2pool-e2e-demo-'));
let proc: P2poolProcess | undefined;
after(() => {
  proc?.kill();
  rmSync(dir, { recursive: true, force: true });
});

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

test('the make run demo: litecoind, the pool and the miner; shares and blocks on the terminal; Ctrl-C stops all three', async () => {
  proc = new P2poolProcess('demo', 'services/cli/main.ts', [
    '--net',
    'litecoin_regtest_v36',
    '--demo-miner',
    '--datadir',
    dir,
    ...ANY_PORTS,
  ]);
  const p = proc;
  const rpc = await eventually(
    async () => {
      const m = /litecoind regtest is up: RPC 127\.0\.0\.1:(\d+)/.exec(p.stderr);
      assert.ok(m, p.stderr);
      return Number(m[1]);
    },
    'litecoind started',
    60_000,
  );
  const web = await eventually(
    async () => {
      const m = /p2pool is running: http:\/\/127\.0\.0\.1:(\d+)\//.exec(p.stderr);
      assert.ok(m, p.stderr);
      return Number(m[1]);
    },
    'the web address',
    60_000,
  );
  await eventually(
    async () => {
      assert.match(p.stderr, /share accepted: sharechain height \d+ [0-9a-f]{64}/);
      assert.match(p.stderr, /BLOCK FOUND: height \d+ [0-9a-f]{64} accepted by/);
    },
    'shares and blocks on the terminal',
    60_000,
  );
  await eventually(
    async () => assert.equal((await getJson(web, '/api/v1/status')).body.sync.state, 'synced'),
    'the sharechain synced',
    30_000,
  );
  assert.ok(((await getJson(web, '/recent_blocks')).body as unknown[]).length >= 1);
  // The terminal stays readable: the JSON log is in the data dir.
  assert.ok(existsSync(join(dir, 'p2pool.log')));

  const { code } = await p.terminate('SIGINT', 60_000);
  assert.equal(code, 0, p.stderr.slice(-2000));
  assert.match(p.stderr, /stopping litecoind/);
  assert.equal(await accepts(rpc), false, 'litecoind is gone');
});
