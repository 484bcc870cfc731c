// Work and submission results survive the p2pool.v1 contract encoding byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlockTemplate, SubmitBlockResponse, SubmitOutcome } from '../../services/gen/p2pool/v1/template_builder.ts';
import { parseTemplate } from '../../services/pool/work/template.ts';
import { coinParams } from '../../services/pool/coins.ts';
import { toBlockTemplate } from '../../services/pool/contract/template.ts';
import { toSubmitBlockResponse, toTemplateReason, toBuilderStatus } from '../../services/template-builder/contract.ts';
import { TemplateReason } from '../../services/gen/p2pool/v1/events.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/litecoind-regtest');

test('an MWEB template becomes a BlockTemplate message and decodes back to the same bytes', () => {
  const gbt = JSON.parse(readFileSync(join(FIXTURES, 'gbt_mweb_active.json'), 'utf8'));
  const w = parseTemplate(gbt, coinParams('litecoin', 'regtest'), { source: 'ltc-a' });
  w.templateId = 7;
  const msg = BlockTemplate.decode(BlockTemplate.encode(toBlockTemplate(w)).finish());
  // Hashes are the raw sha256d bytes: the display hex reversed.
  assert.equal(Buffer.from(msg.previousBlock).reverse().toString('hex'), gbt.previousblockhash);
  assert.equal(Buffer.from(msg.transactions[0]!.txid).reverse().toString('hex'), gbt.transactions[0].txid);
  assert.equal(Buffer.from(msg.transactions[0]!.wtxid).reverse().toString('hex'), gbt.transactions[0].hash);
  assert.equal(Buffer.from(msg.target).reverse().toString('hex'), gbt.target);
  assert.equal(Buffer.from(msg.mweb).toString('hex'), gbt.mweb);
  assert.equal(Buffer.from(msg.transactions[1]!.data).toString('hex'), gbt.transactions[1].data);
  assert.deepEqual(msg.transactions[1]!.depends, [1]);
  assert.equal(Buffer.from(msg.witnessCommitment).toString('hex'), gbt.default_witness_commitment);
  assert.equal(msg.coinbaseValue, BigInt(gbt.coinbasevalue));
  assert.equal(msg.height, 432);
  assert.equal(msg.templateId, 7n);
  assert.equal(msg.sourceNode, 'ltc-a');
  assert.deepEqual(msg.rules, gbt.rules);
  assert.equal(toTemplateReason('new-block'), TemplateReason.NEW_BLOCK);
  assert.equal(toTemplateReason('startup'), TemplateReason.UNKNOWN);
});

test('submission results and node status map onto the contract', () => {
  const r = toSubmitBlockResponse({
    hash: 'ab',
    status: 'accepted',
    nodes: [
      { node: 'a', status: 'accepted', p2pSent: false, rpcMs: 1, attempts: 1 },
      {
        node: 'b',
        status: 'failed',
        reason: 'cannot reach litecoind at 127.0.0.1:1: connection refused',
        p2pSent: false,
        rpcMs: 1,
        attempts: 6,
      },
      { node: 'c', status: 'rejected', reason: 'bad-cb-amount', p2pSent: false, rpcMs: 1, attempts: 1 },
    ],
  });
  const back = SubmitBlockResponse.decode(SubmitBlockResponse.encode(r).finish());
  assert.equal(back.accepted, true);
  assert.deepEqual(
    back.results.map((x) => x.outcome),
    [SubmitOutcome.ACCEPTED, SubmitOutcome.ERROR, SubmitOutcome.REJECTED],
  );
  assert.equal(back.results[2]!.reason, 'bad-cb-amount');
  const st = toBuilderStatus(
    [
      {
        id: 'a',
        state: { status: 'syncing', message: 'still syncing', since: 0 },
        height: undefined,
        chainWork: 0x1234n,
        p2pConnected: true,
        selected: false,
        chain: 'main',
        blocks: 5,
        headers: 10,
        progress: 0.5,
      },
    ],
    undefined,
  );
  assert.deepEqual([st.nodes[0]!.reachable, st.nodes[0]!.synced, st.nodes[0]!.lastError], [true, false, 'still syncing']);
  assert.deepEqual([...st.nodes[0]!.chainWork], [0x34, 0x12]);
});
