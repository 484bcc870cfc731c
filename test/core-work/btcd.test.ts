// The miner path of litecoind.test.ts on a real btcd (regtest, sha256d): TemplateBuilder →
// CoreWorkSource ← Sharechain, EdgeServer, CoreShareSink → TemplateBuilder / Sharechain, in one
// process. The independent stratum and getwork test clients get pseudoshares accepted that are P2Pool
// shares the sharechain verifies and blocks btcd puts in its chain, whose coinbase is the share's gentx
// and pays exactly the PPLNS outputs the sharechain's full tracker computes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBtcd, type BtcdNode } from '../harness/btcd.ts';
import { regtestAddress } from '../harness/keys.ts';
import { waitFor } from '../harness/wait.ts';
import { StratumTestClient } from '../edge/stratum-client.ts';
import { getworkCall, headerOf, dataFor, powValue } from '../edge/getwork-client.ts';
import { targetToDifficulty, DONATION_SCRIPT, type Share } from '../../services/core/index.ts';
import { isJobPayload } from '../../services/edge/core-work/index.ts';
import { startStack, btcdStackNode, expectedOutputs, blockCoinbaseOutputs, BITCOIN_NODE_ADDRESS, type Stack } from './stack.ts';

const BOB = regtestAddress('bitcoin', 'core-work bob');
const CAROL = regtestAddress('bitcoin', 'core-work carol');

let btcd: BtcdNode;
let stack: Stack;

before(async () => {
  btcd = await startBtcd();
  stack = await startStack(btcdStackNode(btcd));
});

after(async () => {
  await stack?.stop();
  await btcd?.stop();
});

/** Payouts to miners' addresses in satoshis (btcd lists `address` and `addresses`, and gives the donation's P2PK one too). */
function paidTo(coinbase: any): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const o of coinbase.vout) {
    if (o.scriptPubKey.hex === DONATION_SCRIPT.toString('hex')) continue;
    const a = o.scriptPubKey.address ?? o.scriptPubKey.addresses?.[0];
    if (a !== undefined && o.value > 0) m.set(a, BigInt(Math.round(o.value * 1e8)));
  }
  return m;
}

function hex(h: bigint): string {
  return h.toString(16).padStart(64, '0');
}

/** Until the edge's work is on btcd's tip and the sharechain's best share, so the next solution extends both. */
async function settled(): Promise<void> {
  const tip = await btcd.call<string>('getbestblockhash');
  await waitFor(
    'work on the tips',
    () =>
      stack.work.currentWork?.previousBlockHex === tip &&
      stack.work.unavailableReason() === null &&
      stack.basis?.previousShareHash === stack.sc.bestShareHash(),
    10_000,
  );
}

/** A hash under both the share and the block target of fresh work for `address` (half the smaller, for rounding). */
function wantFor(address: string): bigint {
  const job = stack.work.getJobTemplate({ payoutAddress: address, desiredShareTarget: null });
  assert.ok(isJobPayload(job.payload));
  assert.equal(job.payload.payout.address, address);
  return (job.shareTarget < job.blockTarget ? job.shareTarget : job.blockTarget) / 2n;
}

/** Waits for the sink's next share and block (from `shares`/`blocks` onward); both accepted, the share is the block. */
async function nextShareAndBlock(sharesBefore: number, blocksBefore: number): Promise<Share> {
  await waitFor(
    'the block submitted and the share stored',
    () => stack.blocks.length > blocksBefore && stack.shares.length > sharesBefore && stack.shares[sharesBefore]!.result !== null,
    30_000,
  );
  const block = stack.blocks[blocksBefore]!;
  const mine = stack.shares[sharesBefore]!;
  assert.equal(block.status, 'accepted', JSON.stringify(block));
  assert.equal(mine.result!.outcome, 'accepted', mine.result!.reason);
  assert.equal(hex(mine.share.hash), block.hash, 'the share is the block');
  await waitFor('share verified', () => stack.sc.tracker.verified.has(mine.share.hash), 10_000);
  assert.equal(stack.sc.bestShareHash(), mine.share.hash);
  assert.equal(stack.sc.invalidShares(), 0);
  return mine.share;
}

/** btcd has the block on its main chain; its coinbase is the share's gentx and pays exactly the full tracker's PPLNS outputs. */
async function checkBlock(share: Share): Promise<{ block: any; coinbase: any }> {
  const hash = hex(share.hash);
  await waitFor('btcd on our block', async () => (await btcd.call<string>('getbestblockhash')) === hash, 10_000);
  const { outputs, block, coinbase } = await blockCoinbaseOutputs(stack.node, hash);
  assert.ok(block.confirmations >= 1, `confirmations ${block.confirmations}`);
  assert.equal(await btcd.call<string>('getblockhash', block.height), hash, 'on the main chain');
  assert.equal(block.previousblockhash, hex(share.previousBlock));
  assert.deepEqual(outputs, expectedOutputs(stack.sc, share));
  assert.equal(coinbase.txid, hex(share.gentxHash));
  // The segwit coinbase carries its witness reserved value, so its wtxid differs (btcd's `hash`).
  assert.notEqual(coinbase.hash, coinbase.txid);
  return { block, coinbase };
}

test('stratum test client: a pseudoshare that is a share and a block, accepted by the sharechain and btcd', async (t) => {
  await settled();
  const c = await StratumTestClient.connect(stack.port);
  t.after(() => c.close());
  c.pow = 'sha256d';
  c.difficultyMultiplier = 1;
  await c.subscribe();
  assert.equal((await c.authorize(`${BOB}.t1`)).result, true);
  const bestBefore = await btcd.call<string>('getbestblockhash');
  const want = wantFor(BOB);
  const params = c.solve({ extranonce2: '00000001', difficulty: targetToDifficulty(want), worker: `${BOB}.t1` });
  const r = await c.submit(params);
  assert.equal(r.error, null);
  assert.equal(r.result, true);
  const share = await nextShareAndBlock(0, 0);
  assert.notEqual(hex(share.hash), bestBefore);
  assert.equal(share.shareData.address, BOB);
  const { coinbase } = await checkBlock(share);
  // First share of the chain: no PPLNS weight yet, so Bob gets only the finder's 0.5 %.
  assert.deepEqual(paidTo(coinbase), new Map([[BOB, share.shareData.subsidy / 200n]]));
  assert.equal(stack.edge.snapshot().counters.blocks, 1);
});

test('getwork: a header solved from `data` becomes a share the sharechain verifies and a block btcd accepts', async () => {
  const sharesBefore = stack.shares.length;
  const blocksBefore = stack.blocks.length;
  await settled();
  const r = await getworkCall(stack.port, [], `${CAROL}.gw`);
  assert.equal(r.status, 200);
  const work = JSON.parse(r.body).result as { data: string; target: string };
  const want = wantFor(CAROL);
  const header = Buffer.from(headerOf(work.data));
  for (let n = 0; ; n++) {
    header.writeUInt32LE(n, 76);
    if (powValue(header) <= want) break;
  }
  const sub = await getworkCall(stack.port, [dataFor(header, work.data)], `${CAROL}.gw`);
  assert.equal(JSON.parse(sub.body).result, true);
  const share = await nextShareAndBlock(sharesBefore, blocksBefore);
  assert.equal(share.shareData.address, CAROL);
  assert.equal(share.contents.lastTxoutNonce >> 32n, 0n, 'extranonce2 of getwork work is zero (high half of the LE nonce)');
  const { coinbase } = await checkBlock(share);
  // PPLNS starts two shares back (§4.5), before the chain here: again only the finder's 0.5 %.
  assert.deepEqual(paidTo(coinbase), new Map([[CAROL, share.shareData.subsidy / 200n]]));
  assert.equal(stack.sink.counters.errors, 0, stack.sink.counters.lastError ?? '');
});

test("stratum: the third share's block pays PPLNS to the first share's miner and 0.5 % to its finder", async (t) => {
  const sharesBefore = stack.shares.length;
  const blocksBefore = stack.blocks.length;
  await settled();
  const c = await StratumTestClient.connect(stack.port);
  t.after(() => c.close());
  await c.subscribe();
  assert.equal((await c.authorize(`${CAROL}.t3`)).result, true);
  const want = wantFor(CAROL);
  const r = await c.submit(c.solve({ extranonce2: '00000003', difficulty: targetToDifficulty(want), worker: `${CAROL}.t3` }));
  assert.equal(r.error, null);
  assert.equal(r.result, true);
  const share = await nextShareAndBlock(sharesBefore, blocksBefore);
  const { coinbase } = await checkBlock(share);
  const subsidy = share.shareData.subsidy;
  // Bob's share is the whole window: 99.5 % (rounded down) to him, the finder's 0.5 % to Carol, the rest to the donation.
  const paid = paidTo(coinbase);
  assert.equal(paid.get(CAROL), subsidy / 200n);
  assert.ok(paid.get(BOB)! > (subsidy * 199n) / 200n - 2n && paid.get(BOB)! <= (subsidy * 199n) / 200n, String(paid.get(BOB)));
  assert.ok(!paid.has(BITCOIN_NODE_ADDRESS));
  assert.equal(stack.edge.snapshot().counters.blocks, 3);
  assert.equal(stack.sink.counters.errors, 0, stack.sink.counters.lastError ?? '');
});
