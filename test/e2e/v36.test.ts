// Share version 36 on a real litecoind regtest (network litecoin_regtest_v36, new chains at v36):
// two embedded nodes peered with -n mine V36 shares through the edge (stratum), a block of ours
// reaches litecoind with the share's V36 gentx as its coinbase, both nodes converge on one chain,
// and the chain, read back over the API, passes `p2pool sharechain verify`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Clients } from '../../services/runtime/clients.ts';
import { startChain, type Chain } from '../cluster/chain.ts';
import { eventually, getJson } from '../cluster/procs.ts';
import { packedChain, startEmbedded, type Nodes } from './nodes.ts';
import { assertBlockOfShares, extendChain, minerAddress, mineStratum } from './mining.ts';

const NET = 'litecoin_regtest_v36';
let chain: Chain;
let dir: string;
const nodes: Nodes = { procs: [], closers: [] };
const { procs, closers } = nodes;
const embedded = (name: string, peers: string[]) => startEmbedded(nodes, chain, dir, name, peers);

before(async () => {
  chain = await startChain('p2pool-ts e2e v36 payout', NET);
  dir = mkdtempSync(join(tmpdir(), 'p2pool-e2e-v36-'));
});

after(async () => {
  for (const c of closers) await c();
  await Promise.allSettled(procs.map((p) => p.terminate('SIGTERM', 20_000).catch(() => p.kill())));
  for (const p of procs) p.kill();
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function converged(a: Clients, b: Clients, what: string): Promise<string> {
  return eventually(
    async () => {
      const [x, y] = [hex((await a.sharechain.GetStats({})).bestShareHash), hex((await b.sharechain.GetStats({})).bestShareHash)];
      assert.equal(x.length, 64);
      assert.equal(y, x);
      return x;
    },
    what,
    60_000,
  );
}

test('V36 on litecoind regtest: two nodes mine v36 shares and a block, converge, and the chain verifies', async () => {
  const a = await embedded('v36-a', []);
  const b = await embedded('v36-b', [`127.0.0.1:${a.p2pPort}`]);
  await eventually(async () => assert.equal((await a.clients.peerGateway.GetPeers({})).incoming, 1), 'b connected to a', 30_000);

  // A genesis share pays everything to the donation (no PPLNS window yet): start the chain first.
  await extendChain(a, 'v36-a');
  const { tip } = await mineStratum(a, 'v36-a');
  await assertBlockOfShares(a, tip, minerAddress('v36-a'));
  const share = JSON.parse((await a.clients.sharechain.GetShare({ hash: Buffer.from(tip, 'hex').reverse() })).referenceJson);
  assert.equal(share.type_name, 'MergedMiningShare');
  // Which version the node mints and why: a log line, /local_stats and a /metrics gauge.
  assert.ok(
    a.proc.logs.some((r) => /^minting share version 36 \(ratchet confirmed\)/.test(r.msg)),
    'the mint decision is logged',
  );
  const best1 = await converged(a.clients, b.clients, 'b to follow a');
  await extendChain(b, 'v36-b');
  const best2 = await converged(a.clients, b.clients, 'a to follow b');
  assert.notEqual(best2, best1);

  // /local_stats needs 10 shares of chain.
  while ((await a.clients.sharechain.GetStats({})).height < 11) await extendChain(a, 'v36-a');
  const ports = await a.proc.ports();
  const local = await getJson(ports.web!, '/local_stats');
  assert.equal(local.body.share_version.minting, 36);
  assert.equal(local.body.share_version.ratchet_state, 'confirmed');
  const metrics = (await getJson(ports.health, '/metrics')).body as string;
  assert.match(metrics, /^p2pool_sharechain_minted_share_version\{[^}]*state="confirmed"[^}]*\} 36$/m);
  await converged(a.clients, b.clients, 'b to follow a again');
  // The ratchet's state is kept in the data dir for the next start.
  assert.equal(JSON.parse(readFileSync(join(dir, 'v36-a', NET, 'v36_ratchet.json'), 'utf8')).state, 'confirmed');

  const shares = await packedChain(b.clients);
  assert.ok(shares.length >= 2);
  assert.ok(
    shares.every((s) => s[0] === 36),
    'every share is a v36 share',
  );
  const file = join(dir, 'chain.txt');
  writeFileSync(file, shares.map((s) => s.toString('hex')).join('\n'));
  const cli = resolve(import.meta.dirname, '../../services/cli/main.ts');
  const r = spawnSync(process.execPath, [cli, 'sharechain', 'verify', '--net', NET, '--chain', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^${shares.length} ok, 0 failed \\(${NET}, lineage V36\\)$`, 'm'));
});
