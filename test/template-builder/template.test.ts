// Template → work on templates captured from a real litecoind (test/fixtures), and the checks
// that refuse unusable templates. No full node needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseTemplate,
  witnessCommitmentScript,
  TemplateError,
  rawToBigint,
  decodeTransactions,
} from '../../services/pool/work/template.ts';
import { coinbaseBranchRaw, merkleRootRaw, rootFromBranchRaw } from '../../services/pool/work/merkle.ts';
import { coinParams, blockSubsidy } from '../../services/pool/coins.ts';
import { emptyWorkOnHeader } from '../../services/template-builder/shortcut.ts';
import { sha256d } from '../../services/core/index.ts';
import { assembleBlock } from '../../services/pool/work/block.ts';
import { coinbaseMerkleBranch, merkleRoot } from '../../services/core/bitcoin/merkle.ts';
import { classifySubmitAnswer, combineResults } from '../../services/full-node/submit-result.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/litecoind-regtest');
const ltc = coinParams('litecoin', 'regtest');
const btc = coinParams('bitcoin', 'regtest');
function fixture(name: string): any {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

test('pre-MWEB template with a segwit transaction becomes work', () => {
  const gbt = fixture('gbt_segwit_mweb_with_tx.json');
  const w = parseTemplate(gbt, ltc, { verifyHashes: true });
  assert.equal(w.height, 102);
  assert.equal(w.previousBlockHex, gbt.previousblockhash);
  assert.equal(w.bits, 0x207fffff);
  assert.equal(w.target, 0x7fffffn << 232n);
  assert.equal(w.coinbaseValue, 5000001410n);
  assert.equal(w.totalFees, 1410n);
  assert.equal(w.transactions.length, 1);
  assert.equal(w.transactions[0]!.txid, BigInt('0x' + gbt.transactions[0].txid));
  assert.equal(w.txHashes[0], BigInt('0x' + gbt.transactions[0].hash));
  assert.equal(w.mweb, undefined);
  assert.ok(w.segwit);
  const [decoded] = decodeTransactions(w);
  assert.equal(decoded!.inputs.length, 1);
  assert.equal(decoded!.outputs[0]!.value, 150_000_000n);
  // Our witness merkle root, committed with Core's all-zero reserved value, is the node's own commitment.
  assert.deepEqual(witnessCommitmentScript(w, Buffer.alloc(32)), w.defaultWitnessCommitment);
  // The coinbase branch agrees with the consensus core's bigint implementation.
  assert.deepEqual(w.merkleBranch, coinbaseMerkleBranch(w.transactions.map((t) => t.txid)));
});

test('MWEB template: HogEx is last, mweb bytes kept, commitment matches the node', () => {
  for (const name of ['gbt_mweb_active.json', 'gbt_mweb_active_idle.json']) {
    const gbt = fixture(name);
    const w = parseTemplate(gbt, ltc, { verifyHashes: true });
    assert.ok(w.rules.includes('mweb'));
    assert.ok(w.mweb && w.mweb.length > 0, name);
    assert.equal(w.transactions.at(-1)!.hogEx, true, name);
    assert.equal(w.transactions.filter((t) => t.hogEx).length, 1);
    assert.deepEqual(witnessCommitmentScript(w, Buffer.alloc(32)), w.defaultWitnessCommitment, name);
    assert.equal(w.witnessMerkleRoot, merkleRoot([0n, ...w.transactions.map((t) => t.wtxid)]));
    // A block on it ends with the optional-MWEB marker and the MWEB body.
    const block = assembleBlock(w, Buffer.alloc(80), Buffer.from('coinbase'));
    assert.deepEqual(block.subarray(block.length - w.mweb!.length - 1), Buffer.concat([Buffer.from([1]), w.mweb!]));
    assert.deepEqual(
      block.subarray(block.length - w.mweb!.length - 1 - w.transactions.at(-1)!.data.length, block.length - w.mweb!.length - 1),
      w.transactions.at(-1)!.data,
    );
  }
});

test('packed merkle branch and root agree with the core for every size 0..40', () => {
  for (let n = 0; n <= 40; n++) {
    const hashes = Array.from({ length: n }, (_, i) => sha256d(Buffer.from([i, n])));
    const asBig = hashes.map(rawToBigint);
    assert.deepEqual(coinbaseBranchRaw(hashes).map(rawToBigint), coinbaseMerkleBranch(asBig), `branch n=${n}`);
    assert.equal(rawToBigint(merkleRootRaw(hashes)), merkleRoot(asBig), `root n=${n}`);
    const cb = sha256d(Buffer.from('coinbase'));
    assert.equal(rawToBigint(rootFromBranchRaw(cb, coinbaseBranchRaw(hashes))), merkleRoot([rawToBigint(cb), ...asBig]), `fold n=${n}`);
  }
});

test('unusable templates are refused with the reason', () => {
  const base = fixture('gbt_mweb_active.json');
  const bad = (patch: (g: any) => void, re: RegExp) => {
    const g = structuredClone(base);
    patch(g);
    assert.throws(
      () => parseTemplate(g, ltc, { verifyHashes: true }),
      (e: Error) => e instanceof TemplateError && re.test(e.message),
    );
  };
  bad((g) => {
    g.rules.push('!newfork');
  }, /enforces rule "newfork"/);
  bad((g) => {
    g.rules = ['csv', 'taproot'];
  }, /soft fork "segwit" is not active/);
  bad((g) => {
    g.bits = '1a00ffff';
    g.target = undefined;
  }, /outside the sane range/);
  bad((g) => {
    g.target = '00'.repeat(32);
  }, /does not match bits/);
  bad((g) => {
    g.transactions.reverse();
  }, /HogEx but not the last/);
  bad((g) => {
    g.coinbasevalue = 1;
  }, /exceed coinbasevalue/);
  bad((g) => {
    g.previousblockhash = 'zz';
  }, /previousblockhash is not a 64-digit hex hash/);
  bad((g) => {
    g.mintime = g.curtime + 10;
  }, /before mintime/);
  bad((g) => {
    g.transactions[0].depends = [2];
  }, /depends on 2/);
  bad((g) => {
    g.coinbasevalue = undefined;
  }, /coinbasevalue is missing/);
  bad((g) => {
    g.transactions[0].sigops = 79_700;
  }, /sigops, over the limit 80000/);
  bad((g) => {
    g.transactions[0].weight = 3_999_000;
  }, /weigh \d+, over the limit 4000000/);
  bad((g) => {
    g.transactions[0].data = 'ff' + g.transactions[0].data.slice(2);
  }, /does not hash to its hash/);
  bad((g) => {
    g.transactions[0].data = 'abc';
  }, /has no hex data/);
});

test('btcd-style template (no rules field, coinbaseaux flags) is accepted', () => {
  const g = {
    bits: '207fffff',
    curtime: 1795256247,
    height: 102,
    previousblockhash: '4a8b085b6f0a3e1aee84eedceff2210306650a87021ce12a883779358f2de99b',
    sigoplimit: 80000,
    sizelimit: 4000000,
    weightlimit: 4000000,
    transactions: [],
    version: 536870912,
    coinbaseaux: { flags: '0b2f503253482f627463642f' },
    coinbasevalue: 5000000000,
    longpollid: 'x-1',
    target: '7fffff0000000000000000000000000000000000000000000000000000000000',
    mintime: 1795256247,
  };
  const w = parseTemplate(g, btc);
  assert.deepEqual(w.coinbaseFlags, Buffer.from('0b2f503253482f627463642f', 'hex'));
  assert.ok(w.segwit);
  assert.deepEqual(w.merkleBranch, []);
  assert.equal(w.witnessMerkleRoot, merkleRoot([0n]));
});

test('submitblock answers map to one vocabulary', () => {
  assert.deepEqual(classifySubmitAnswer(null), { status: 'accepted' });
  assert.deepEqual(classifySubmitAnswer('duplicate'), { status: 'duplicate' });
  assert.deepEqual(classifySubmitAnswer('bad-cb-amount'), { status: 'rejected', reason: 'bad-cb-amount' });
  assert.deepEqual(classifySubmitAnswer('inconclusive'), { status: 'inconclusive', reason: 'inconclusive' });
  assert.deepEqual(classifySubmitAnswer('rejected: already have block 00ab'), { status: 'duplicate' });
  assert.deepEqual(classifySubmitAnswer('rejected: block timestamp of 1 is too early'), {
    status: 'rejected',
    reason: 'block timestamp of 1 is too early',
  });
  const c = combineResults('h', [
    { node: 'a', status: 'failed', reason: 'cannot reach', p2pSent: false, rpcMs: 1, attempts: 6 },
    { node: 'b', status: 'accepted', p2pSent: true, rpcMs: 1, attempts: 1 },
  ]);
  assert.equal(c.status, 'accepted');
});

test('empty-block shortcut is refused after MWEB activation (the block would lack the HogEx)', () => {
  const w = parseTemplate(fixture('gbt_mweb_active.json'), ltc);
  const header = Buffer.alloc(80);
  Buffer.from(w.previousBlockHex, 'hex').reverse().copy(header, 4);
  header.writeUInt32LE(w.bits, 72);
  const v = emptyWorkOnHeader(w, header, ltc);
  assert.deepEqual(v, { refused: 'MWEB is active: an empty block would lack the HogEx' });
  assert.equal(blockSubsidy(ltc, 149), 5_000_000_000n);
  assert.equal(blockSubsidy(ltc, 150), 2_500_000_000n);
  assert.equal(blockSubsidy(coinParams('litecoin', 'main'), 840_000), 2_500_000_000n);
});
