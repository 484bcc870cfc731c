// What crosses the bus between the sharechain, the template builder and the edge must come back as the
// same values: a work basis through its proto message still makes the edge build byte-identical
// coinbases, and a template through BlockTemplate is the same work (merkle branch, witness root, MWEB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTransaction, encodeTx, bitsToTarget, pushInteger, subsidy, type ShareData } from '../../services/core/index.ts';
import { buildChain, easyNetwork, testAddresses } from '../../services/core/testing/chain-builder.ts';
import { WorkBasis as WorkBasisMsg } from '../../services/gen/p2pool/v1/sharechain.ts';
import { BlockTemplate } from '../../services/gen/p2pool/v1/template_builder.ts';
import { workBasisFromMessage, workBasisMessage } from '../../services/pool/contract/work-basis.ts';
import { buildWorkBasis } from '../../services/pool/work/basis.ts';
import { WorkBasisView } from '../../services/pool/work/basis-view.ts';
import { coinParams } from '../../services/pool/coins.ts';
import { fromBlockTemplate, toBlockTemplate } from '../../services/pool/contract/template.ts';
import { parseTemplate } from '../../services/pool/work/template.ts';

const BLOCK_BITS = 0x1f6d3a06;

test('a work basis through its proto message builds the same coinbase as the full tracker', () => {
  const net = easyNetwork({ chainLength: 150, lookbehind: 20 });
  const { tracker, shares } = buildChain(net, { count: 230 });
  const best = shares.at(-1)!.hash;
  const basis = buildWorkBasis({
    tracker,
    net,
    best,
    blockBits: BLOCK_BITS,
    basisId: 7,
    syncState: 'synced',
    staleInfo: 253,
    punishAggressively: true,
    gentxSize: 1234,
    gentxWeight: 4321,
    nodeAddress: testAddresses(net, 1)[0]!,
    workerFeePercent: 1,
    donationPercent: 0.5,
    templateId: 9,
    localHashRate: 1e6,
    nowMs: 1_700_000_000_000,
  });
  const wire = WorkBasisMsg.decode(WorkBasisMsg.encode(workBasisMessage(basis)).finish());
  const back = workBasisFromMessage(wire);
  assert.deepEqual(back, basis);

  const view = new WorkBasisView(net);
  view.update(back);
  const sd: ShareData = view.shareData({
    address: testAddresses(net, 3)[2]!,
    coinbase: pushInteger(650000),
    subsidy: 625_000_000n,
    random: () => 0.5,
  });
  const input = {
    shareData: sd,
    blockTarget: bitsToTarget(BLOCK_BITS),
    desiredTimestamp: 1700009999,
    desiredTarget: (1n << 256n) - 1n,
    desiredTxs: [],
    knownTxs: new Map(),
    baseSubsidy: subsidy(net.PARENT, 650000),
  };
  const a = view.generate(input);
  const b = generateTransaction({ ...input, tracker, net, type: basis.shareVersion, gentxSize: 1234, gentxWeight: 4321 });
  assert.equal(encodeTx(a.gentx).toString('hex'), encodeTx(b.gentx).toString('hex'));
  assert.equal(a.shareInfoBytes.toString('hex'), b.shareInfoBytes.toString('hex'));
});

test('a genesis basis (no chain, no template) survives the wire', () => {
  const net = easyNetwork({ chainLength: 150, lookbehind: 20 });
  const { tracker } = buildChain(net, { count: 0 });
  const basis = buildWorkBasis({
    tracker,
    net,
    best: null,
    blockBits: null,
    basisId: 1,
    syncState: 'downloading',
    staleInfo: 0,
    punishAggressively: false,
    nodeAddress: testAddresses(net, 1)[0]!,
    workerFeePercent: 0,
    donationPercent: 0,
    templateId: 0,
    localHashRate: null,
    nowMs: 5,
  });
  assert.deepEqual(workBasisFromMessage(WorkBasisMsg.decode(WorkBasisMsg.encode(workBasisMessage(basis)).finish())), basis);
});

test('a template through BlockTemplate is the same work', () => {
  const dir = join(import.meta.dirname, '..', 'fixtures', 'litecoind-regtest');
  const coin = coinParams('litecoin', 'regtest');
  for (const f of ['gbt_segwit_mweb.json', 'gbt_segwit_mweb_with_tx.json', 'gbt_mweb_active.json', 'gbt_mweb_active_idle.json']) {
    const gbt = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const work = parseTemplate(gbt, coin, { source: 'n1' });
    work.templateId = 42;
    const wire = BlockTemplate.decode(BlockTemplate.encode(toBlockTemplate(work)).finish());
    const back = fromBlockTemplate(wire, coin);
    for (const k of [
      'version',
      'previousBlock',
      'previousBlockHex',
      'height',
      'bits',
      'target',
      'curtime',
      'mintime',
      'coinbaseValue',
      'rules',
      'segwit',
      'txHashes',
      'totalFees',
      'merkleBranch',
      'templateId',
      'source',
      'weightLimit',
      'sigopLimit',
      'sizeLimit',
    ] as const) {
      assert.deepEqual(back[k], work[k], `${f}: ${k}`);
    }
    assert.equal(back.coinbaseFlags.toString('hex'), work.coinbaseFlags.toString('hex'), `${f}: coinbaseFlags`);
    assert.equal(back.witnessMerkleRoot, work.witnessMerkleRoot, `${f}: witness root`);
    assert.equal(back.defaultWitnessCommitment?.toString('hex'), work.defaultWitnessCommitment?.toString('hex'), `${f}: commitment`);
    assert.equal(back.mweb?.toString('hex'), work.mweb?.toString('hex'), `${f}: mweb`);
    assert.deepEqual(
      back.transactions.map((t) => t.hogEx),
      work.transactions.map((t) => t.hogEx),
      `${f}: hogEx`,
    );
    assert.deepEqual(
      back.transactions.map((t) => t.data.toString('hex')),
      work.transactions.map((t) => t.data.toString('hex')),
    );
  }
});
