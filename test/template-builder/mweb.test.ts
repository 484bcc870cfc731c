// Litecoin MWEB on a real litecoind: mine to the activation height (regtest 432) with a peg-in so the
// first MWEB block can exist, then build blocks from templates carrying the HogEx and the MWEB body
// with a P2Pool-shaped coinbase, and get them accepted by submitblock and over P2P.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLitecoind, type LitecoindNode } from '../harness/litecoind.ts';
import { regtestAddress, regtestScript } from '../harness/keys.ts';
import { buildCoinbase, mineBlock } from '../harness/blocks.ts';
import { assembleBlock } from '../../services/pool/work/block.ts';
import type { TemplateBuilder } from '../../services/template-builder/builder.ts';
import { waitFor } from '../harness/wait.ts';
import { builderFor, nodeConfig, waitForStatus } from './helpers.ts';

let ltc: LitecoindNode;
let tb: TemplateBuilder;

before(async () => {
  ltc = await startLitecoind();
  await ltc.mine(431);
  tb = builderFor('litecoin', [nodeConfig(ltc, { p2pSubmit: 'off' })], { payoutAddress: regtestAddress('litecoin') });
  tb.start();
});

after(async () => {
  tb?.stop();
  await ltc?.stop();
});

test('MWEB activation block (432) with a peg-in and a P2Pool coinbase is accepted', async () => {
  // Without a peg-in litecoind cannot build block 432 at all: a clear error state, no work.
  await waitForStatus(tb.nodes[0]!, 'error', 30_000);
  assert.match(tb.nodes[0]!.state.message, /bad-txns-vin-empty/);
  assert.equal(tb.currentWork, undefined);
  const mwebAddress = await ltc.call<string>('getnewaddress', '', 'mweb');
  assert.match(mwebAddress, /^tmweb1/);
  await ltc.call('sendtoaddress', mwebAddress, 1);
  await waitFor('a template with the HogEx', () => tb.currentWork?.mweb !== undefined, 30_000);
  const work = tb.currentWork!;
  assert.equal(work.height, 432);
  assert.ok(work.rules.includes('mweb'));
  assert.equal(work.transactions.at(-1)!.hogEx, true);
  assert.ok(work.transactions.length >= 2, 'peg-in and HogEx');
  // Without the MWEB suffix litecoind cannot even decode it (its HogEx promises an MWEB body).
  const cb = buildCoinbase(work, { payoutScript: regtestScript(), p2poolStyle: true });
  const noSuffix = mineBlock({ ...work, mweb: undefined }, 'scrypt', { payoutScript: regtestScript(), p2poolStyle: true, extraNonce: 1 });
  const r0 = await tb.submitBlock(noSuffix.block);
  assert.equal(r0.status, 'rejected');
  assert.match(r0.reason!, /Block decode failed/);
  const solved = mineBlock(work, 'scrypt', { payoutScript: regtestScript(), p2poolStyle: true });
  assert.deepEqual(solved.coinbase.full, cb.full);
  const r = await tb.submitBlock(solved.block);
  assert.equal(r.status, 'accepted', JSON.stringify(r));
  assert.equal(await ltc.call<string>('getbestblockhash'), solved.hash);
  const info = await ltc.call<any>('getblockchaininfo');
  assert.equal(info.blocks, 432);
  const blk = await ltc.call<any>('getblock', solved.hash, 2);
  assert.ok(blk.mweb, 'block carries an MWEB extension');
  // The coinbase kept its P2Pool shape: commitment first, OP_RETURN ref output last.
  const outs = blk.tx[0].vout;
  assert.match(outs[0].scriptPubKey.hex, /^6a24aa21a9ed/);
  assert.match(outs.at(-1).scriptPubKey.hex, /^6a28/);
});

test('after activation: every template carries the HogEx; blocks accepted by RPC and over P2P', async () => {
  await waitFor('work on 432', () => tb.currentWork?.height === 433, 10_000);
  for (let i = 0; i < 2; i++) {
    const work = tb.currentWork!;
    assert.ok(work.mweb, 'mweb body');
    assert.equal(work.transactions.at(-1)!.hogEx, true);
    const solved = mineBlock(work, 'scrypt', { payoutScript: regtestScript(), p2poolStyle: true, extraNonce: 10 + i });
    assert.deepEqual(solved.block.subarray(solved.block.length - work.mweb!.length - 1), Buffer.concat([Buffer.from([1]), work.mweb!]));
    const next = tb.nextWork({ current: false, timeoutMs: 10_000 });
    const r = await tb.submitBlock(solved.block);
    assert.equal(r.status, 'accepted', JSON.stringify(r));
    assert.equal((await next).work.previousBlockHex, solved.hash);
  }
  // Over P2P only: a builder whose submitblock path is broken (wrong port) still gets it in.
  const p2pOnly = builderFor('litecoin', [nodeConfig(ltc, { rpcUrl: 'http://127.0.0.1:1', p2pSubmit: 'parallel', submitRetries: 0 })]);
  p2pOnly.start();
  try {
    await waitFor('P2P link', () => p2pOnly.status()[0]!.p2pConnected, 10_000);
    const work = tb.currentWork!;
    const solved = mineBlock(work, 'scrypt', { payoutScript: regtestScript(), p2poolStyle: true, extraNonce: 42 });
    const r = await p2pOnly.submitBlock(solved.block);
    assert.equal(r.status, 'failed');
    assert.match(r.reason!, /cannot reach litecoind at 127\.0\.0\.1:1: connection refused/);
    assert.equal(r.nodes[0]!.p2pSent, true);
    await waitFor('MWEB block via P2P', async () => (await ltc.call<string>('getbestblockhash')) === solved.hash, 10_000);
  } finally {
    p2pOnly.stop();
  }
  void assembleBlock;
});
