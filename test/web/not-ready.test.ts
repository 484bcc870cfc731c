// Issue 12.8: while the sharechain is not ready (here: no full node to get the payout address from),
// the web pages answer at once with the real cause instead of stalling ~30 s and answering 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANY_PORTS } from '../cluster/chain.ts';
import { freePort } from '../cluster/nats-server.ts';
import { P2poolProcess } from '../cluster/procs.ts';

test('web and JSON endpoints answer at once with the cause while the sharechain is not ready', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pool-not-ready-'));
  const deadPort = await freePort(); // nothing listens: the full node is unreachable
  const p = new P2poolProcess('not-ready', 'services/cli/main.ts', [
    '--net',
    'litecoin_regtest',
    '--datadir',
    dir,
    ...ANY_PORTS,
    '--bitcoind-rpc-port',
    String(deadPort),
    'user',
    'pass',
  ]);
  t.after(async () => {
    await p.terminate('SIGTERM', 20_000).catch(() => p.kill());
    rmSync(dir, { recursive: true, force: true });
  });
  const { web } = await p.ports();
  assert.ok(web);
  for (const path of ['/uptime', '/local_stats', '/current_payouts']) {
    // A request that hangs for the bus's 30 s deadline fails here, well before.
    const res = await fetch(`http://127.0.0.1:${web}${path}`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 503, path);
    const body = (await res.json()) as { error: string };
    assert.match(body.error, /the sharechain is not ready: .*(payout address|full node|wallet)/i, `${path}: ${body.error}`);
    assert.match(
      body.error,
      new RegExp(`127\\.0\\.0\\.1:${deadPort}|ECONNREFUSED|unreachable`, 'i'),
      `${path} names the node: ${body.error}`,
    );
  }
});
