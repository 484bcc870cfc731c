// Merged mining end to end: one `p2pool` process (the embedded default) on a real litecoind regtest,
// merge-mining TWO aux chains at once (stand-in aux daemons, test/harness/aux-daemon-standin.ts: no
// merged-mined coin daemon is packaged here), mined by the project's CPU miner (services/miner). The
// aux commitment reaches the coinbase, a solution meeting the aux targets goes to the aux service,
// which builds the AuxPoW and submits it; each stand-in accepts it by its own verification. Then the
// aux daemons go bad (one down, one slow, then garbage and rejecting) and the parent chain's mining
// goes on: pseudoshares accepted, shares added, blocks found.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grpcRpc } from '../../services/bus/grpc.ts';
import { clientsFor } from '../../services/runtime/clients.ts';
import { CpuMiner } from '../../services/miner/index.ts';
import { findMergedMiningData, sha256d } from '../../services/core/index.ts';
import { ANY_PORTS, startChain, type Chain } from '../cluster/chain.ts';
import { eventually, getJson, P2poolProcess } from '../cluster/procs.ts';
import { startAuxStandin, type AuxStandin } from '../harness/aux-daemon-standin.ts';
import { minerAddress } from './mining.ts';

let chain: Chain;
let dir: string;
let proc: P2poolProcess;
let api: ReturnType<typeof grpcRpc>;
let doge: AuxStandin;
let nmc: AuxStandin;
let workerPort: number;
let healthPort: number;

// Every parent hash meets these aux targets: every share (and pseudoshare) is an aux block here.
const ANY = (1n << 256n) - 1n;

before(async () => {
  chain = await startChain('p2pool-ts merged e2e');
  doge = await startAuxStandin({ chainId: 0x62, target: ANY, parentPow: 'scrypt' });
  nmc = await startAuxStandin({ chainId: 0x01, target: ANY, parentPow: 'scrypt' });
  dir = mkdtempSync(join(tmpdir(), 'p2pool-e2e-merged-'));
  proc = new P2poolProcess('merged', 'services/cli/main.ts', [
    '--instance',
    'merged',
    ...ANY_PORTS,
    '--datadir',
    join(dir, 'data'),
    ...chain.args,
    '--merged',
    doge.mergedUrl,
    '--merged',
    `${nmc.mergedUrl}?address=${'N'.repeat(34)}`,
    '--merged-poll-ms',
    '100',
  ]);
  const ports = await proc.ports();
  healthPort = ports.health;
  await eventually(async () => assert.equal((await getJson(ports.health, '/readyz')).status, 200), 'ready', 60_000);
  workerPort = Number((await proc.waitForLog((r) => r.msg === 'worker port listening', 'worker port')).port);
  api = grpcRpc(`127.0.0.1:${ports.grpc}`);
});

after(async () => {
  api?.close();
  await proc?.terminate('SIGTERM', 20_000).catch(() => proc.kill());
  proc?.kill();
  await Promise.all([doge?.stop().catch(() => {}), nmc?.stop().catch(() => {})]);
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function miner(label: string): CpuMiner {
  return new CpuMiner({
    port: workerPort,
    username: `${minerAddress(label)}.rig`,
    algorithm: 'scrypt',
    threads: 1,
    maxHashrate: 200,
    suggestDifficulty: 0.0001,
  });
}

test('two aux chains at once: the commitment is in the coinbase and shares are accepted as aux blocks by both stand-ins', async () => {
  await proc.waitForLog((r) => r.msg === 'new aux work' && Number(r.chains) === 2, 'aux work for two chains');
  const clients = clientsFor(api);
  const m = miner('merged-a');
  try {
    await m.start();
    await eventually(
      async () => {
        assert.ok(doge.accepted.length >= 1, `doge: ${JSON.stringify(doge.submissions.slice(-2))}`);
        assert.ok(nmc.accepted.length >= 1, `nmc: ${JSON.stringify(nmc.submissions.slice(-2))}`);
        // Among the accepted aux blocks are shares: a parent header whose hash is a share of the sharechain.
        const found = await Promise.all(
          [...doge.accepted, ...nmc.accepted].map((s) => clients.sharechain.GetShare({ hash: sha256d(s.parentHeader!) })),
        );
        assert.ok(
          found.some((r) => r.found),
          'a share among the accepted aux blocks',
        );
      },
      'an aux block accepted by each stand-in, a share among them',
      120_000,
    );
  } finally {
    await m.stop();
  }
  assert.equal(doge.accepted[0]!.method, 'getauxblock');
  assert.equal(nmc.accepted[0]!.method, 'submitauxblock');
  // Every submission passed the stand-ins' own verification.
  assert.deepEqual(
    [...doge.submissions, ...nmc.submissions].filter((s) => !s.accepted).map((s) => s.reason),
    [],
  );
  await proc.waitForLog((r) => r.msg === 'aux block accepted', 'the aux service logs the acceptance');
  // /metrics: submissions by chain and result, and each chain's daemon up.
  const metricsText = String((await getJson(healthPort, '/metrics')).body);
  assert.match(metricsText, /p2pool_aux_blocks_submitted_total\{[^}]*result="accepted"[^}]*\} [1-9]/);
  assert.match(metricsText, /p2pool_aux_chain_up\{chain="http:\/\/127\.0\.0\.1:\d+\/"\} 1/);
  // The shares the sharechain holds carry the commitment in their coinbase.
  const best = await eventually(
    async () => {
      const stats = await clients.sharechain.GetStats({});
      const r = await clients.sharechain.GetShare({ hash: stats.bestShareHash });
      assert.ok(r.found, `best share of height ${stats.height}`);
      return r;
    },
    'a share in the sharechain',
    30_000,
  );
  const coinbase = Buffer.from(JSON.parse(best.referenceJson).block.gentx.coinbase, 'hex');
  const mm = findMergedMiningData(coinbase);
  assert.ok(mm, 'mm_data in the share coinbase');
  assert.ok(mm.treeSize >= 2);
});

test('bad aux daemons (down, slow, garbage, rejecting): parent mining goes on', async () => {
  const clients = clientsFor(api);
  const h0 = (await clients.sharechain.GetStats({})).height;
  const tip0 = await chain.ltc.call<string>('getbestblockhash');
  const port = nmc.port;
  await nmc.stop();
  doge.behaviour = 'slow';
  const m = miner('merged-b');
  try {
    await m.start();
    await eventually(
      async () => {
        assert.ok(m.stats().accepted >= 10, `accepted ${m.stats().accepted}`);
        assert.ok((await clients.sharechain.GetStats({})).height >= h0 + 3);
        assert.notEqual(await chain.ltc.call<string>('getbestblockhash'), tip0);
      },
      'pseudoshares, shares and a block with the aux daemons down and slow',
      120_000,
    );
    doge.behaviour = 'garbage';
    nmc = await startAuxStandin({ chainId: 0x01, target: ANY, parentPow: 'scrypt', port });
    nmc.behaviour = 'reject';
    const h1 = (await clients.sharechain.GetStats({})).height;
    const a1 = m.stats().accepted;
    await eventually(
      async () => {
        assert.ok(m.stats().accepted >= a1 + 10);
        assert.ok((await clients.sharechain.GetStats({})).height >= h1 + 3);
      },
      'mining with a garbage and a rejecting aux daemon',
      120_000,
    );
    const rejects = m.stats().rejectReasons;
    assert.deepEqual(
      Object.keys(rejects).filter((r) => !r.startsWith('23 ') && !r.startsWith('21 ')),
      [],
      JSON.stringify(rejects),
    );
  } finally {
    await m.stop();
  }
  await proc.waitForLog((r) => r.msg === 'aux daemon unusable; retrying with backoff', 'the aux service names the bad daemon');
});
