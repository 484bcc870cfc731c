// The template builder against a real btcd v0.26 on regtest: templates (including a segwit
// transaction paying a taproot output), long poll, P2P new-block signal, our blocks accepted, bad
// blocks rejected with btcd's reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startBtcd, type BtcdNode } from '../harness/btcd.ts';
import { regtestAddress, regtestScript } from '../harness/keys.ts';
import { buildCoinbase, mineBlock, solveBlock } from '../harness/blocks.ts';
import { encodeTx, type Tx } from '../../services/core/bitcoin/tx.ts';
import { witnessCommitmentScript } from '../../services/pool/work/template.ts';
import type { TemplateBuilder } from '../../services/template-builder/builder.ts';
import { waitFor } from '../harness/wait.ts';
import { builderFor, nodeConfig } from './helpers.ts';

// An anyone-can-spend P2WSH output (witness script OP_TRUE), so the test can make real segwit spends without keys.
const OP_TRUE = Buffer.from([0x51]);
const P2WSH_TRUE = Buffer.concat([Buffer.from([0x00, 0x20]), createHash('sha256').update(OP_TRUE).digest()]);
const P2TR_SOMEONE = Buffer.concat([Buffer.from([0x51, 0x20]), createHash('sha256').update('taproot').digest()]);

let btcd: BtcdNode;
let tb: TemplateBuilder;
let spendable: { txid: bigint; index: number; value: bigint } | undefined;

before(async () => {
  btcd = await startBtcd();
  tb = builderFor('bitcoin', [nodeConfig(btcd)], { payoutAddress: regtestAddress('bitcoin') });
  tb.start();
  // One block of ours paying the anyone-can-spend output, then maturity.
  const { work } = await tb.nextWork({ timeoutMs: 30_000 });
  const solved = mineBlock(work, 'sha256d', { payoutScript: P2WSH_TRUE });
  assert.equal((await tb.submitBlock(solved.block)).status, 'accepted');
  spendable = {
    txid: BigInt('0x' + Buffer.from(solved.coinbase.txidRaw).reverse().toString('hex')),
    index: solved.coinbase.tx.outputs.findIndex((o) => o.script.equals(P2WSH_TRUE)),
    value: work.coinbaseValue,
  };
  await btcd.mine(100);
  await waitFor('work on the new tip', () => tb.currentWork?.height === work.height + 101, 30_000);
});

after(async () => {
  tb?.stop();
  await btcd?.stop();
});

test('btcd: template fetched and turned into work', async () => {
  const { work } = await tb.nextWork();
  assert.equal(work.previousBlockHex, await btcd.call<string>('getbestblockhash'));
  assert.equal(work.coin, 'bitcoin');
  assert.ok(work.coinbaseValue > 0n);
  assert.equal(work.rules.length, 0); // btcd reports no rules; segwit is assumed active
  assert.ok(work.segwit);
  const [s] = tb.status();
  assert.equal(s!.state.status, 'ready');
  assert.equal(s!.chain, 'regtest');
  await waitFor('P2P link', () => tb.status()[0]!.p2pConnected, 10_000);
  assert.match(tb.status()[0]!.subversion ?? '', /btcd:0\.26/);
});

test('btcd: a segwit transaction paying a taproot output enters the work; commitment agrees with btcd', async () => {
  const tx: Tx = {
    version: 2,
    flag: 1,
    inputs: [{ prevHash: spendable!.txid, prevIndex: spendable!.index, script: Buffer.alloc(0), sequence: 0xfffffffd, witness: [OP_TRUE] }],
    outputs: [{ value: spendable!.value - 10_000n, script: P2TR_SOMEONE }],
    lockTime: 0,
  };
  const txid = await btcd.call<string>('sendrawtransaction', encodeTx(tx).toString('hex'));
  // btcd regenerates a template for mempool changes only after 60 s; a new tip (our own empty block) is faster.
  const empty = mineBlock(tb.currentWork!, 'sha256d', { payoutScript: regtestScript(), extraNonce: 1 });
  assert.equal((await tb.submitBlock(empty.block)).status, 'accepted');
  await waitFor(
    'the transaction in the work',
    () => tb.currentWork?.transactions.some((t) => t.txid === BigInt('0x' + txid)) ?? false,
    30_000,
  );
  const work = tb.currentWork!;
  const t = work.transactions.find((x) => x.txid === BigInt('0x' + txid))!;
  assert.notEqual(t.wtxid, t.txid);
  assert.equal(t.fee, 10_000n);
  assert.ok(work.defaultWitnessCommitment, 'btcd sends default_witness_commitment when a template has witness data');
  assert.deepEqual(witnessCommitmentScript(work, Buffer.alloc(32)), work.defaultWitnessCommitment);
  // And a block with it and our P2Pool-style coinbase is accepted.
  const solved = mineBlock(work, 'sha256d', { payoutScript: regtestScript(), p2poolStyle: true });
  const r = await tb.submitBlock(solved.block);
  assert.equal(r.status, 'accepted', JSON.stringify(r));
  assert.equal(await btcd.call<string>('getbestblockhash'), solved.hash);
  const blk = await btcd.call<any>('getblock', solved.hash, 1);
  assert.ok(blk.tx.includes(txid), JSON.stringify(blk.tx));
});

test('btcd: a block mined by the node wakes the builder at once', async () => {
  const next = tb.nextWork({ current: false, timeoutMs: 10_000 });
  const [hash] = await btcd.mine(1);
  const ev = await next;
  assert.equal(ev.work.previousBlockHex, hash);
  assert.equal(ev.newBlock, true);
  assert.ok(['new-block', 'longpoll'].includes(ev.reason), ev.reason);
});

test('btcd: block from a template with our coinbase is accepted; getbestblockhash moves; resubmission is duplicate', async () => {
  const { work } = await tb.nextWork();
  const before = await btcd.call<string>('getbestblockhash');
  assert.equal(before, work.previousBlockHex);
  const solved = mineBlock(work, 'sha256d', { payoutScript: regtestScript() });
  const r = await tb.submitBlock(solved.block);
  assert.equal(r.status, 'accepted', JSON.stringify(r));
  assert.equal(await btcd.call<string>('getbestblockhash'), solved.hash);
  assert.equal((await tb.submitBlock(solved.block)).status, 'duplicate');
});

test("btcd: bad blocks are rejected with btcd's reason", async () => {
  const { work } = await tb.nextWork();
  const over = mineBlock(work, 'sha256d', { payoutScript: regtestScript(), value: work.coinbaseValue + 1n });
  const r1 = await tb.submitBlock(over.block);
  assert.equal(r1.status, 'rejected');
  assert.match(r1.reason!, /coinbase transaction for block pays \d+ which is more than expected value/);
  const cb = buildCoinbase(work, { payoutScript: regtestScript(), extraNonce: 3 });
  const r2 = await tb.submitBlock(solveBlock(work, 'sha256d', cb, { merkleRoot: Buffer.alloc(32, 2) }).block);
  assert.equal(r2.status, 'rejected');
  assert.match(r2.reason!, /merkle root/i);
  assert.equal(await btcd.call<string>('getbestblockhash'), work.previousBlockHex);
});
