// The v35 → v36 switch with real nodes on litecoind regtest (network litecoin_regtest_v35: V36 rules,
// chains start at v35, CHAIN_LENGTH 100). Node A reaches B and C at their own loopback addresses, so
// the shares it receives from them come from two origins other than itself. While A mines alone its
// window votes 36 entirely but from no other origin: it keeps minting v35 (the self-authored
// supermajority of the July 2026 incident). Once B and C mine too, A switches to v36; every node
// accepts the switch (check()'s accept rule) and the chain, read back, passes `sharechain verify`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startChain, type Chain } from '../cluster/chain.ts';
import { eventually } from '../cluster/procs.ts';
import { packedChain, startEmbedded, type Node, type Nodes } from './nodes.ts';
import { extendChain } from './mining.ts';

const NET = 'litecoin_regtest_v35';
const CHAIN_LENGTH = 100;
let chain: Chain;
let dir: string;
const nodes: Nodes = { procs: [], closers: [] };
const { procs, closers } = nodes;
const embedded = (name: string, peers: string[]) => startEmbedded(nodes, chain, dir, name, peers);

before(async () => {
  chain = await startChain('p2pool-ts e2e switch payout', NET);
  dir = mkdtempSync(join(tmpdir(), 'p2pool-e2e-switch-'));
});

after(async () => {
  for (const c of closers) await c();
  await Promise.allSettled(procs.map((p) => p.terminate('SIGTERM', 20_000).catch(() => p.kill())));
  for (const p of procs) p.kill();
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const height = async (n: Node) => (await n.clients.sharechain.GetStats({})).height;

test('a v35 chain switches to v36 only once two other origins vote for it', async () => {
  const b = await embedded('switch-b', []);
  const c = await embedded('switch-c', []);
  const a = await embedded('switch-a', [`127.0.0.3:${b.p2pPort}`, `127.0.0.4:${c.p2pPort}`]);
  await eventually(async () => assert.equal((await a.clients.peerGateway.GetPeers({})).outgoing, 2), 'a connected to b and c', 30_000);

  // A alone: more than a full window of its own YES votes.
  while ((await height(a)) < CHAIN_LENGTH + 5) await extendChain(a, 'switch-a');
  let shares = await packedChain(a.clients);
  const alone = shares.length;
  assert.ok(
    shares.every((s) => s[0] === 35),
    'a lone node keeps minting v35',
  );
  assert.ok(
    a.proc.logs.some((r) => /^minting share version 35 \(ratchet voting\): voting: 100% vote 36 but from 0 other origin/.test(r.msg)),
    'and says why',
  );

  // B and C mine as well: A's window now holds YES votes from two other origins.
  for (let round = 0; round < 30; round++) {
    for (const n of [b, c, a]) await extendChain(n, n.proc.name);
    shares = await packedChain(a.clients);
    if (shares.some((s) => s[0] === 36)) break;
  }
  const first = shares.findIndex((s) => s[0] === 36);
  assert.ok(first >= alone, `a v36 share appeared (at ${first}) once the others joined (a alone made ${alone})`);
  assert.ok(a.proc.logs.some((r) => /^minting share version 36 \(ratchet activated\)/.test(r.msg)));

  // Every node follows the switch, and the whole chain verifies.
  await eventually(
    async () => {
      const best = Buffer.from((await a.clients.sharechain.GetStats({})).bestShareHash).toString('hex');
      for (const n of [b, c]) assert.equal(Buffer.from((await n.clients.sharechain.GetStats({})).bestShareHash).toString('hex'), best);
    },
    "b and c on a's chain",
    60_000,
  );
  const file = join(dir, 'chain.txt');
  writeFileSync(file, (await packedChain(c.clients)).map((s) => s.toString('hex')).join('\n'));
  const cli = resolve(import.meta.dirname, '../../services/cli/main.ts');
  const r = spawnSync(process.execPath, [cli, 'sharechain', 'verify', '--net', NET, '--chain', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout.slice(-2000) + r.stderr);
});
