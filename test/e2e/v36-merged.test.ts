// V36 merged mining end to end: an embedded node on litecoind regtest with share version 36
// (litecoin_regtest_v36), one aux chain — a Dogecoin stand-in in template mode (getblocktemplate with
// auxpow, submitblock: test/harness/aux-daemon-standin.ts) — and the CPU miner with a
// `LTC_ADDR,DOGE_ADDR` username. V36 shares commit to the canonical merged block (spec p2pool-v36
// §8.5), which pays the miner's Dogecoin address (merged_addresses); that block, with its AuxPoW, is
// what the stand-in accepts after its own whole-block check.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuMiner } from '../../services/miner/index.ts';
import { DOGE_CHAIN_ID, MERGED_MARKER_SCRIPT, pubkeyHashToAddress } from '../../services/core/index.ts';
import { ANY_PORTS, startChain, type Chain } from '../cluster/chain.ts';
import { eventually, getJson, P2poolProcess } from '../cluster/procs.ts';
import { startAuxStandin, type AuxStandin } from '../harness/aux-daemon-standin.ts';
import { minerAddress } from './mining.ts';

let chain: Chain;
let dir: string;
let doge: AuxStandin;
let proc: P2poolProcess;
let workerPort: number;

// Dogecoin regtest P2PKH (the parent is litecoin regtest): the node's own (--merged ?address) and the miner's.
const NODE_HASH = Buffer.alloc(20, 0x33);
const MINER_HASH = Buffer.alloc(20, 0x44);
const p2pkh = (h: Buffer) => Buffer.concat([Buffer.from('76a914', 'hex'), h, Buffer.from('88ac', 'hex')]);

before(async () => {
  chain = await startChain('p2pool-ts e2e v36 merged', 'litecoin_regtest_v36');
  doge = await startAuxStandin({ chainId: DOGE_CHAIN_ID, target: (1n << 256n) - 1n, parentPow: 'scrypt', template: true });
  dir = mkdtempSync(join(tmpdir(), 'p2pool-e2e-v36-merged-'));
  proc = new P2poolProcess('v36merged', 'services/cli/main.ts', [
    '--instance',
    'v36merged',
    ...ANY_PORTS,
    '--datadir',
    join(dir, 'data'),
    ...chain.args,
    '--merged',
    `${doge.mergedUrl}?address=${pubkeyHashToAddress(NODE_HASH, 0x6f)}`,
    '--merged-poll-ms',
    '200',
  ]);
  const ports = await proc.ports();
  await eventually(async () => assert.equal((await getJson(ports.health, '/readyz')).status, 200), 'ready', 60_000);
  workerPort = Number((await proc.waitForLog((r) => r.msg === 'worker port listening', 'worker port')).port);
});

after(async () => {
  await proc?.terminate('SIGTERM', 20_000).catch(() => proc.kill());
  proc?.kill();
  await doge?.stop().catch(() => {});
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("V36 shares commit to the canonical DOGE block paying the miner's Dogecoin address; the stand-in accepts that block", async () => {
  await proc.waitForLog((r) => r.msg === 'new aux work', 'aux work from the template');
  const username = `${minerAddress('v36-merged')},${pubkeyHashToAddress(MINER_HASH, 0x6f)}.rig`;
  const m = new CpuMiner({ port: workerPort, username, algorithm: 'scrypt', threads: 1, maxHashrate: 200, suggestDifficulty: 0.0001 });
  const paysMiner = (b: Buffer | undefined) => b !== undefined && b.includes(p2pkh(MINER_HASH)) && b.includes(MERGED_MARKER_SCRIPT);
  try {
    await m.start();
    await eventually(
      async () => {
        assert.ok(
          doge.accepted.some((s) => paysMiner(s.block)),
          `${doge.submissions.length} submissions, ${doge.accepted.length} accepted`,
        );
      },
      'a canonical merged block paying the miner, accepted',
      120_000,
    );
  } finally {
    await m.stop();
  }
  assert.deepEqual(
    doge.submissions.filter((s) => !s.accepted).map((s) => s.reason),
    [],
  );
  assert.ok(doge.accepted.every((s) => s.method === 'submitblock'));
});
