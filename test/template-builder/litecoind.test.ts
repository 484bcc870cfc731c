// The template builder against a real Litecoin Core 0.21.2.1 on regtest (two connected nodes, as
// litecoind serves no template without a peer): templates, long poll, P2P new-block signal, blocks
// built with our own coinbase accepted, bad blocks rejected with the node's reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLitecoind, type LitecoindNode } from '../harness/litecoind.ts';
import { regtestAddress, regtestScript } from '../harness/keys.ts';
import { buildCoinbase, mineBlock, solveBlock } from '../harness/blocks.ts';
import { P2PClient } from '../../services/template-builder/p2p/client.ts';
import { coinParams } from '../../services/pool/coins.ts';
import type { TemplateBuilder } from '../../services/template-builder/builder.ts';
import { waitFor } from '../harness/wait.ts';
import { scryptPow } from '../../services/core/crypto/scrypt.ts';
import { startFaultProxy } from '../harness/fault-proxy.ts';
import { builderFor, nodeConfig } from './helpers.ts';

let ltc: LitecoindNode;
let tb: TemplateBuilder;

before(async () => {
  ltc = await startLitecoind({ noMweb: true });
  await ltc.mine(110);
  tb = builderFor('litecoin', [nodeConfig(ltc)], { payoutAddress: regtestAddress('litecoin') });
  tb.start();
  await tb.nextWork({ timeoutMs: 30_000 });
});

after(async () => {
  tb?.stop();
  await ltc?.stop();
});

test('litecoind: template fetched with segwit+mweb rules and turned into work', async () => {
  const { work } = await tb.nextWork();
  const best = await ltc.call<string>('getbestblockhash');
  assert.equal(work.previousBlockHex, best);
  assert.equal(work.height, 111);
  assert.equal(work.coin, 'litecoin');
  assert.ok(work.rules.includes('!segwit'));
  assert.equal(work.coinbaseValue, 5_000_000_000n);
  assert.ok(work.longpollId);
  const [status] = tb.status();
  assert.equal(status!.state.status, 'ready');
  assert.equal(status!.chain, 'regtest');
  assert.match(status!.subversion ?? '', /LitecoinCore:0\.21/);
  await waitFor('P2P link', () => tb.status()[0]!.p2pConnected, 10_000);
});

test('litecoind: a wallet transaction shows up in the work with its fee (poll)', async () => {
  const cur = (await tb.nextWork()).work;
  const next = tb.nextWork({ current: false, timeoutMs: 90_000 });
  const txid = await ltc.call<string>('sendtoaddress', ltc.address, 1);
  const ev = await next;
  // Core's long poll wakes on mempool changes only after a minute; the poll brings it first.
  assert.ok(['longpoll', 'poll'].includes(ev.reason), ev.reason);
  assert.equal(ev.work.previousBlockHex, cur.previousBlockHex);
  assert.equal(ev.newBlock, false);
  const tx = ev.work.transactions.find((t) => t.txid === BigInt('0x' + txid));
  assert.ok(tx, 'wallet tx in template');
  assert.ok(tx!.fee! > 0n);
  assert.equal(ev.work.coinbaseValue, 5_000_000_000n + ev.work.totalFees);
});

test('litecoind: a block mined elsewhere wakes the builder at once (P2P signal / long poll)', async () => {
  const next = tb.nextWork({ current: false, timeoutMs: 10_000 });
  const [hash] = await ltc.peer!.call<string[]>('generatetoaddress', 1, regtestAddress('litecoin'));
  const ev = await next;
  assert.equal(ev.work.previousBlockHex, hash);
  assert.equal(ev.newBlock, true);
  assert.ok(['new-block', 'longpoll'].includes(ev.reason), ev.reason);
});

test('litecoind: block from a template with our coinbase (with a tx) is accepted; getbestblockhash moves', async () => {
  await ltc.call('sendtoaddress', ltc.address, 2);
  await waitFor('a transaction in the work', async () => (tb.currentWork?.transactions.length ?? 0) > 0, 30_000, 50);
  const work = tb.currentWork!;
  const before = await ltc.call<string>('getbestblockhash');
  assert.equal(before, work.previousBlockHex);
  const solved = mineBlock(work, 'scrypt', { payoutScript: regtestScript(), p2poolStyle: true });
  const result = await tb.submitBlock(solved.block);
  assert.equal(result.status, 'accepted', JSON.stringify(result));
  assert.equal(result.hash, solved.hash);
  assert.equal(await ltc.call<string>('getbestblockhash'), solved.hash);
  const blk = await ltc.call<any>('getblock', solved.hash, 2);
  assert.equal(blk.tx.length, 1 + work.transactions.length);
  assert.equal(
    blk.tx[0].vout.reduce((s: number, o: any) => s + Math.round(o.value * 1e8), 0),
    Number(work.coinbaseValue),
  );
  // And the peer follows: the block reached the network through our node.
  await waitFor('peer has block', async () => (await ltc.peer!.call<string>('getbestblockhash')) === solved.hash, 10_000);
  // Submitting it again is a duplicate, not an error.
  assert.equal((await tb.submitBlock(solved.block)).status, 'duplicate');
});

test("litecoind: bad blocks are rejected with the node's reason and never retried", async () => {
  const { work } = await tb.nextWork();
  const overpay = mineBlock(work, 'scrypt', { payoutScript: regtestScript(), value: work.coinbaseValue + 1n });
  const r1 = await tb.submitBlock(overpay.block);
  assert.equal(r1.status, 'rejected');
  assert.equal(r1.reason, 'bad-cb-amount');
  assert.equal(r1.nodes[0]!.attempts, 1);
  const cb = buildCoinbase(work, { payoutScript: regtestScript(), extraNonce: 7 });
  const badRoot = solveBlock(work, 'scrypt', cb, { merkleRoot: Buffer.alloc(32, 1) });
  const r2 = await tb.submitBlock(badRoot.block);
  assert.equal(r2.status, 'rejected');
  assert.equal(r2.reason, 'bad-txnmrklroot');
  const r3 = await tb.submitBlock(Buffer.concat([badRoot.block.subarray(0, 81), Buffer.from('00', 'hex')]));
  assert.equal(r3.status, 'rejected');
  assert.match(r3.reason!, /decode failed/i);
  assert.equal(await ltc.call<string>('getbestblockhash'), work.previousBlockHex);
});

test('litecoind: a block sent only as a P2P block message is accepted', async () => {
  const { work } = await tb.nextWork();
  const solved = mineBlock(work, 'scrypt', { payoutScript: regtestScript(), extraNonce: 99 });
  const p2p = new P2PClient({ host: '127.0.0.1', port: ltc.p2pPort, magic: coinParams('litecoin', 'regtest').p2pMagic });
  p2p.start();
  await new Promise((r) => p2p.once('ready', r));
  assert.ok(p2p.sendBlock(solved.block));
  await waitFor('block via P2P', async () => (await ltc.call<string>('getbestblockhash')) === solved.hash, 10_000);
  p2p.stop();
});

test('litecoind: parallel P2P+RPC submission reports accepted even when the P2P copy wins', async () => {
  const builder = builderFor('litecoin', [nodeConfig(ltc, { p2pSubmit: 'parallel' })]);
  builder.start();
  try {
    const { work } = await builder.nextWork({ timeoutMs: 30_000 });
    await waitFor('P2P link', () => builder.status()[0]!.p2pConnected, 10_000);
    const solved = mineBlock(work, 'scrypt', { payoutScript: regtestScript(), extraNonce: 5 });
    const r = await builder.submitBlock(solved.block);
    assert.equal(r.status, 'accepted', JSON.stringify(r));
    assert.equal(r.nodes[0]!.p2pSent, true);
    assert.equal(await ltc.call<string>('getbestblockhash'), solved.hash);
  } finally {
    builder.stop();
  }
});

test("litecoind: a peer's header on our tip gives empty work at once; a block on it is accepted", async () => {
  const { work } = await tb.nextWork();
  assert.deepEqual(tb.offerHeader(Buffer.alloc(80)), {
    published: false,
    reason: 'its parent is not the block the current work builds on',
  });
  // A block found elsewhere on the same tip, known to us by its header only.
  const parent = mineBlock(work, 'scrypt', { payoutScript: regtestScript(), extraNonce: 1234 });
  const unsolved = Buffer.from(parent.header);
  for (let nonce = 0; ; nonce++) {
    unsolved.writeUInt32LE(nonce, 76);
    if (BigInt('0x' + Buffer.from(scryptPow(unsolved)).reverse().toString('hex')) > work.target) break;
  }
  assert.match((tb.offerHeader(unsolved) as { reason: string }).reason, /proof of work/);
  const published = tb.nextWork({ current: false, timeoutMs: 1000 });
  const offer = tb.offerHeader(parent.header);
  assert.equal(offer.published, true);
  const ev = await published;
  assert.equal(ev.reason, 'best-block-header');
  assert.equal(ev.newBlock, true);
  assert.equal(ev.work.emptyShortcut, true);
  assert.equal(ev.work.previousBlockHex, parent.hash);
  assert.equal(ev.work.height, work.height + 1);
  assert.equal(ev.work.transactions.length, 0);
  // A block on the empty work is valid once the node has its parent.
  const child = mineBlock(ev.work, 'scrypt', { payoutScript: regtestScript(), p2poolStyle: true });
  // litecoind may answer "inconclusive" for the parent under load (its validation callback raced the
  // answer); the child being accepted below is what proves the parent connected.
  const r1 = await tb.submitBlock(parent.block);
  assert.ok(r1.status === 'accepted' || r1.status === 'inconclusive', JSON.stringify(r1));
  const r2 = await tb.submitBlock(child.block);
  assert.equal(r2.status, 'accepted', JSON.stringify(r2));
  assert.equal(await ltc.call<string>('getbestblockhash'), child.hash);
  // The node's own template for the new tip replaces the shortcut.
  await waitFor(
    'node template on the child',
    () => tb.currentWork?.previousBlockHex === child.hash && !tb.currentWork.emptyShortcut,
    10_000,
  );
});

test('litecoind: the long poll alone wakes the builder on a new block (P2P link off, no polling)', async () => {
  const builder = builderFor('litecoin', [nodeConfig(ltc, { p2p: false, pollIntervalMs: 600_000 })]);
  builder.start();
  try {
    await builder.nextWork({ timeoutMs: 30_000 });
    const next = builder.nextWork({ current: false, timeoutMs: 10_000 });
    const [hash] = await ltc.peer!.call<string[]>('generatetoaddress', 1, regtestAddress('litecoin'));
    const ev = await next;
    assert.equal(ev.work.previousBlockHex, hash);
    assert.equal(ev.reason, 'longpoll');
  } finally {
    builder.stop();
  }
});

test('litecoind: the P2P new-block signal alone wakes the builder (long poll off, no polling)', async () => {
  const builder = builderFor('litecoin', [nodeConfig(ltc, { longPoll: false, pollIntervalMs: 600_000 })]);
  builder.start();
  try {
    await builder.nextWork({ timeoutMs: 30_000 });
    await waitFor('P2P link', () => builder.status()[0]!.p2pConnected, 10_000);
    const tips: string[] = [];
    builder.on('tip', (h) => tips.push(h));
    const next = builder.nextWork({ current: false, timeoutMs: 10_000 });
    const [hash] = await ltc.peer!.call<string[]>('generatetoaddress', 1, regtestAddress('litecoin'));
    const ev = await next;
    assert.equal(ev.work.previousBlockHex, hash);
    assert.equal(ev.reason, 'new-block');
    assert.ok(tips.includes(hash!));
  } finally {
    builder.stop();
  }
});

test('litecoind: submitblock is retried when the connection drops mid-request, and the block gets in', async () => {
  const proxy = await startFaultProxy(ltc.rpcPort);
  const builder = builderFor('litecoin', [nodeConfig(ltc, { rpcUrl: proxy.url, p2pSubmit: 'off' })]);
  builder.start();
  try {
    const { work } = await builder.nextWork({ timeoutMs: 30_000 });
    const solved = mineBlock(work, 'scrypt', { payoutScript: regtestScript(), extraNonce: 77 });
    proxy.cutRequests('submitblock', 2);
    const r = await builder.submitBlock(solved.block);
    assert.equal(proxy.cuts(), 2);
    assert.equal(r.status, 'accepted', JSON.stringify(r));
    assert.equal(r.nodes[0]!.attempts, 3);
    assert.equal(await ltc.call<string>('getbestblockhash'), solved.hash);
  } finally {
    builder.stop();
    await proxy.close();
  }
});
