// The whole miner path on a real litecoind (regtest): TemplateBuilder → CoreWorkSource ← Sharechain,
// EdgeServer, CoreShareSink → TemplateBuilder / Sharechain, in one process. Mined by the
// independent stratum test client and by the CPU miner: pseudoshares accepted, P2Pool shares built by
// the core and verified by the sharechain (check()), blocks accepted by litecoind whose coinbase pays
// exactly the PPLNS outputs the sharechain's full tracker computes; then the same after MWEB activates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLitecoind, type LitecoindNode } from '../harness/litecoind.ts';
import { regtestAddress } from '../harness/keys.ts';
import { waitFor } from '../harness/wait.ts';
import { StratumTestClient } from '../edge/stratum-client.ts';
import { getworkCall, headerOf, dataFor } from '../edge/getwork-client.ts';
import { scryptSync } from 'node:crypto';
import { CpuMiner } from '../../services/miner/index.ts';
import { targetToDifficulty, type Share } from '../../services/core/index.ts';
import { isJobPayload } from '../../services/edge/core-work/index.ts';
import {
  startStack,
  litecoindStackNode,
  expectedOutputs,
  blockCoinbaseOutputs,
  LITECOIN_NET as NET,
  LITECOIN_NODE_ADDRESS as NODE_ADDRESS,
  type Stack,
} from './stack.ts';

const ALICE = regtestAddress('litecoin', 'core-work alice');
const BOB = regtestAddress('litecoin', 'core-work bob');
// Where the CPU miners ask vardiff to start (miner units, x65536): the punished share target of NET.
const CPU_DIFF = 65536 * targetToDifficulty(NET.MAX_TARGET / 30n);

let ltc: LitecoindNode;
let stack: Stack;

before(async () => {
  ltc = await startLitecoind();
  await ltc.mine(101);
  stack = await startStack(litecoindStackNode(ltc));
});

after(async () => {
  await stack?.stop();
  await ltc?.stop();
});

/** litecoind 0.21 lists `addresses`; newer nodes say `address`. */
function addressOf(vout: any): string | undefined {
  return vout.scriptPubKey.address ?? vout.scriptPubKey.addresses?.[0];
}

function shareByHash(hash: string): Share | undefined {
  return stack.sc.tracker.get(BigInt('0x' + hash));
}

/** The block's coinbase is the share's gentx and pays exactly the full tracker's PPLNS outputs. */
async function checkBlockCoinbase(hash: string): Promise<{ block: any; share: Share }> {
  const share = shareByHash(hash);
  assert.ok(share, `block ${hash} is a share in the sharechain`);
  const { outputs, block } = await blockCoinbaseOutputs(stack.node, hash);
  assert.deepEqual(outputs, expectedOutputs(stack.sc, share));
  assert.equal(block.tx[0].txid, share.gentxHash.toString(16).padStart(64, '0'));
  return { block, share };
}

test('stratum test client: a pseudoshare that is a share and a block, accepted everywhere', async (t) => {
  const c = await StratumTestClient.connect(stack.port);
  t.after(() => c.close());
  c.pow = 'scrypt';
  c.difficultyMultiplier = 65536;
  await c.subscribe();
  assert.equal((await c.authorize(`${BOB}.t1`)).result, true);
  const bestBefore = await ltc.call<string>('getbestblockhash');
  const job = stack.work.getJobTemplate({ payoutAddress: BOB, desiredShareTarget: null });
  assert.ok(isJobPayload(job.payload));
  assert.equal(job.payload.payout.address, BOB);
  // Search for a hash under both the share and the block target (half of the smaller, for rounding).
  const want = (job.shareTarget < job.blockTarget ? job.shareTarget : job.blockTarget) / 2n;
  const params = c.solve({ extranonce2: '00000001', difficulty: 65536 * targetToDifficulty(want), worker: `${BOB}.t1` });
  const r = await c.submit(params);
  assert.equal(r.error, null);
  assert.equal(r.result, true);
  await waitFor(
    'the block accepted and the share stored',
    () => stack.blocks.length >= 1 && stack.shares.length >= 1 && stack.shares[0]!.result !== null,
    30_000,
  );
  const block = stack.blocks[0]!;
  assert.equal(block.status, 'accepted', JSON.stringify(block));
  assert.equal(stack.shares[0]!.result!.outcome, 'accepted', stack.shares[0]!.result!.reason);
  const hash = stack.shares[0]!.share.hash.toString(16).padStart(64, '0');
  assert.equal(hash, block.hash, 'the share is the block');
  await waitFor('litecoind on our block', async () => (await ltc.call<string>('getbestblockhash')) === hash, 10_000);
  assert.notEqual(hash, bestBefore);
  // The sharechain verified it (check()) and builds on it.
  await waitFor('share verified', () => stack.sc.tracker.verified.has(stack.shares[0]!.share.hash), 10_000);
  assert.equal(stack.sc.bestShareHash(), stack.shares[0]!.share.hash);
  assert.equal(stack.sc.invalidShares(), 0);
  const { block: b } = await checkBlockCoinbase(hash);
  // First share of the chain: no share before its parent, so the PPLNS window is empty: the finder gets
  // its 0.5 % and the donation output the rest (docs/protocol.md §6.3; checkBlockCoinbase compared every output).
  const bobScript = b.tx[0].vout.find((o: any) => addressOf(o) === BOB);
  assert.ok(bobScript, 'pays Bob');
  assert.equal(stack.edge.snapshot().counters.blocks, 1);
});

test('getwork: a header solved from `data` becomes a share the sharechain verifies (nonce = fresh extranonce1 + zeros)', async () => {
  const sharesBefore = stack.shares.length;
  const r = await getworkCall(stack.port, [], `${BOB}.gw`);
  assert.equal(r.status, 200);
  const work = JSON.parse(r.body).result as { data: string; target: string };
  const job = stack.work.getJobTemplate({ payoutAddress: BOB, desiredShareTarget: null });
  const want = (job.shareTarget < job.blockTarget ? job.shareTarget : job.blockTarget) / 2n;
  const header = Buffer.from(headerOf(work.data));
  for (let n = 0; ; n++) {
    header.writeUInt32LE(n, 76);
    if (
      BigInt(
        '0x' +
          Buffer.from(scryptSync(header, header, 32, { N: 1024, r: 1, p: 1 }))
            .reverse()
            .toString('hex'),
      ) <= want
    )
      break;
  }
  const sub = await getworkCall(stack.port, [dataFor(header, work.data)], `${BOB}.gw`);
  assert.equal(JSON.parse(sub.body).result, true);
  await waitFor('the getwork share stored', () => stack.shares.length > sharesBefore && stack.shares.at(-1)!.result !== null, 30_000);
  const mine = stack.shares.at(-1)!;
  assert.equal(mine.result!.outcome, 'accepted', mine.result!.reason);
  assert.equal(mine.share.contents.lastTxoutNonce >> 32n, 0n, 'extranonce2 of getwork work is zero (high half of the LE nonce)');
  await waitFor('getwork share verified', () => stack.sc.tracker.verified.has(mine.share.hash), 10_000);
});

test('CPU miner: pseudoshares accepted, shares verified by the sharechain, blocks paying PPLNS (Alice and a node-address rig)', async (t) => {
  const sharesBefore = stack.shares.length;
  const blocksBefore = stack.blocks.length;
  const alice = new CpuMiner({ port: stack.port, username: `${ALICE}.cpu`, algorithm: 'scrypt', suggestDifficulty: CPU_DIFF });
  // A username that is not an address mines for the node's address (docs/protocol.md §8.4).
  const rig = new CpuMiner({ port: stack.port, username: 'rig7', algorithm: 'scrypt', suggestDifficulty: CPU_DIFF });
  t.after(() => Promise.all([alice.stop(), rig.stop()]));
  await alice.start();
  await rig.start();
  await alice.waitFor((s) => s.accepted >= 4);
  await rig.waitFor((s) => s.accepted >= 2);
  await alice.stop();
  await rig.stop();
  const a = alice.stats();
  assert.ok(a.hashes > 0 && a.hashrate > 0 && a.jobs > 1);
  // Vardiff sits on its floor, the share target (this miner is faster than one pseudoshare per 3 s).
  const job = stack.work.getJobTemplate({ payoutAddress: ALICE, desiredShareTarget: null });
  assert.ok(Math.abs(a.difficulty / (65536 * targetToDifficulty(job.shareTarget)) - 1) < 1e-3, `difficulty ${a.difficulty}`);
  assert.equal(a.rejected, 0, JSON.stringify(a.rejectReasons));
  await waitFor('the sharechain answered every share', () => stack.shares.every((s) => s.result !== null), 30_000);
  const mine = stack.shares.slice(sharesBefore);
  assert.ok(
    mine.length >= 4,
    `${mine.length} shares; sink ${JSON.stringify(stack.sink.counters)}; edge ${JSON.stringify(stack.edge.snapshot().counters)}; alice ${JSON.stringify(a)}; rig ${JSON.stringify(rig.stats())}`,
  );
  for (const s of mine) assert.ok(['accepted', 'duplicate'].includes(s.result!.outcome), `${s.result!.outcome}: ${s.result!.reason}`);
  const miners = new Set(mine.map((s) => s.share.shareData.address));
  assert.ok(miners.has(ALICE) && miners.has(NODE_ADDRESS), [...miners].join(' '));
  await waitFor('every local share verified', () => mine.every((s) => stack.sc.tracker.verified.has(s.share.hash)), 20_000);
  assert.equal(stack.sc.invalidShares(), 0);
  assert.equal(stack.sink.counters.errors, 0, stack.sink.counters.lastError ?? '');
  // Blocks: all valid for litecoind (accepted, or a sibling of one it already had at that height).
  const blocks = stack.blocks.slice(blocksBefore);
  assert.ok(blocks.length >= 1);
  for (const b of blocks) assert.ok(['accepted', 'inconclusive', 'duplicate'].includes(b.status), JSON.stringify(b));
  // Every accepted main-chain block pays exactly what PPLNS over the full tracker says. On regtest the
  // window (65535 · SPREAD · att(block target)) is smaller than one share's weight, so a block pays its
  // finder and the miner of the share two back: some block pays two different miners.
  let checked = 0;
  let multi = 0;
  for (const b of blocks) {
    if (b.status !== 'accepted' || !shareByHash(b.hash)) continue;
    const header = await ltc.call<any>('getblockheader', b.hash);
    if (header.confirmations < 1) continue;
    const { block } = await checkBlockCoinbase(b.hash);
    checked++;
    const paid = new Set(block.tx[0].vout.map(addressOf).filter((x: string | undefined) => x === ALICE || x === BOB || x === NODE_ADDRESS));
    if (paid.size >= 2) multi++;
  }
  assert.ok(checked >= 1, 'main-chain blocks checked');
  assert.ok(multi >= 1, 'a block paying two miners');
});

test("after MWEB activation: the pool's block carries the HogEx and the MWEB body, coinbase still PPLNS", async (t) => {
  const height = (await ltc.call<any>('getblockchaininfo')).blocks;
  await ltc.mine(431 - height);
  const mwebAddress = await ltc.call<string>('getnewaddress', '', 'mweb');
  await ltc.call('sendtoaddress', mwebAddress, 1);
  await waitFor('MWEB work', () => stack.work.currentWork?.mweb !== undefined && stack.work.unavailableReason() === null, 30_000);
  assert.equal(stack.work.currentWork!.height, 432);
  const blocksBefore = stack.blocks.length;
  const miner = new CpuMiner({ port: stack.port, username: `${ALICE}.mweb`, algorithm: 'scrypt', suggestDifficulty: CPU_DIFF });
  t.after(() => miner.stop());
  await miner.start();
  await waitFor(
    'blocks accepted after activation',
    () => stack.blocks.slice(blocksBefore).filter((b) => b.status === 'accepted' && shareByHash(b.hash)).length >= 2,
    120_000,
  );
  await miner.stop();
  for (const b of stack.blocks.slice(blocksBefore))
    assert.ok(['accepted', 'inconclusive', 'duplicate'].includes(b.status), JSON.stringify(b));
  // A block whose solution was also a share the sharechain kept (a DOA share may be refused: §8.6).
  const first = stack.blocks.slice(blocksBefore).find((b) => b.status === 'accepted' && shareByHash(b.hash) !== undefined);
  assert.ok(first, 'an accepted block that is a share in the chain');
  const { block } = await checkBlockCoinbase(first.hash);
  assert.ok(block.height >= 432);
  assert.ok(block.mweb, 'block carries an MWEB extension');
  const info = await ltc.call<any>('getblockchaininfo');
  assert.ok(info.blocks >= 433);
  assert.equal(stack.sc.invalidShares(), 0);
  assert.equal(stack.sink.counters.errors, 0, stack.sink.counters.lastError ?? '');
});
