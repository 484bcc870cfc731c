// §11.9 miner-facing encodings for V35-0, reproduced by the edge's own header math.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { buildCoinbase, coinbaseMerkleRoot, merkleRootFromBranch, prevHashFromStratum, stratumPrevHash, writeHeader } from './header.ts';
import { getworkData, getworkMidstate, getworkTarget, headerFromGetworkData, GETWORK_HASH1 } from './getwork-encoding.ts';
import { sha256d, sha256MidstateWords } from './sha256.ts';
import { bitsToTarget, difficultyToTarget, hashMeetsTarget, targetToBE, targetToDifficulty } from './target.ts';
import { swap4, u32Hex, parseU32Hex, isHex } from './bytes.ts';

const V = JSON.parse(readFileSync(new URL('../../../test/edge/fixtures/v35-0.json', import.meta.url), 'utf8'));
const prev = Buffer.from(V.block.previous_block, 'hex').reverse();
// last_txout_nonce 0x1122334455667700 as 8 LE bytes = extranonce1 (4) || extranonce2 (4)
const nonce8 = Buffer.from(V.last_txout_nonce, 'hex').reverse();
const en1 = nonce8.subarray(0, 4);
const en2 = nonce8.subarray(4, 8);

test('coinbase = coinb1 || extranonce1 || extranonce2 || coinb2 hashes to the V35-0 gentx txid', () => {
  const root = coinbaseMerkleRoot(Buffer.from(V.stratum_coinb1, 'hex'), en1, en2, Buffer.from(V.stratum_coinb2, 'hex'), []);
  assert.equal(Buffer.from(root).reverse().toString('hex'), V.gentx_txid);
});

test('header reconstruction reproduces header_hex of V35-0', () => {
  const root = coinbaseMerkleRoot(Buffer.from(V.stratum_coinb1, 'hex'), en1, en2, Buffer.from(V.stratum_coinb2, 'hex'), []);
  const h = writeHeader({
    version: 0x20000000,
    prevHash: prev,
    merkleRoot: root,
    ntime: parseU32Hex(V.notify.ntime),
    bits: parseU32Hex(V.notify.nbits),
    nonce: parseU32Hex(V.notify.nonce_hex_for_280),
  });
  assert.equal(h.toString('hex'), V.header_hex);
  assert.equal(parseU32Hex(V.notify.nonce_hex_for_280), 280);
});

test('mining.notify encodings: prevhash swap4, version/nbits/ntime as 8 hex digits', () => {
  assert.equal(stratumPrevHash(prev), V.notify.prevhash);
  assert.deepEqual(prevHashFromStratum(V.notify.prevhash), prev);
  assert.equal(u32Hex(0x20000000), V.notify.version);
  assert.equal(u32Hex(0x1f6d3a06), V.notify.nbits);
  assert.equal(u32Hex(V.timestamp), V.notify.ntime);
});

test('set_difficulty for target 00ffff00… is 2^-24', () => {
  assert.equal(targetToDifficulty(BigInt('0x' + V.target)), V.notify.set_difficulty_for_target);
});

test('getwork data, hash1, target and midstate match §11.9', () => {
  const root = Buffer.from(V.gentx_txid, 'hex').reverse();
  const h = writeHeader({ version: 0x20000000, prevHash: prev, merkleRoot: root, ntime: V.timestamp, bits: 0x1f6d3a06, nonce: 0 });
  assert.equal(getworkData(h), V.getwork.data);
  assert.equal(GETWORK_HASH1, V.getwork.hash1);
  assert.equal(getworkTarget(BigInt('0x' + V.target)), V.getwork.target);
  assert.equal(getworkMidstate(h), V.getwork.midstate);
  assert.deepEqual(headerFromGetworkData(V.getwork.data), h);
  assert.equal(headerFromGetworkData('zz'), null);
});

test('JS midstate agrees with node:crypto on a full single-block message', () => {
  // For a 55-byte message the padded block is the only block: the final state is the digest.
  const msg = Buffer.from('p2pool-ts midstate check: fifty-five bytes exactly!!!!!');
  assert.equal(msg.length, 55);
  const block = Buffer.alloc(64);
  msg.copy(block);
  block[55] = 0x80;
  block.writeUInt32BE(55 * 8, 60);
  const words = sha256MidstateWords(block);
  const out = Buffer.alloc(32);
  for (let i = 0; i < 8; i++) out.writeUInt32BE(words[i]!, 4 * i);
  assert.equal(out.toString('hex'), createHash('sha256').update(msg).digest('hex'));
});

test('merkle branch folding: root of [leaf, sibling] is sha256d(leaf || sibling)', () => {
  const leaf = sha256d(Buffer.from('leaf'));
  const sib = sha256d(Buffer.from('sibling'));
  assert.deepEqual(merkleRootFromBranch(leaf, [sib]), sha256d(Buffer.concat([leaf, sib])));
  assert.deepEqual(buildCoinbase(Buffer.from([1]), Buffer.from([2]), Buffer.from([3]), Buffer.from([4])), Buffer.from([1, 2, 3, 4]));
});

test('targets: bits, difficulty, comparisons', () => {
  assert.equal(bitsToTarget(0x1d00ffff), 0xffffn << 208n);
  assert.equal(targetToDifficulty(0xffffn << 208n), 1);
  assert.equal(difficultyToTarget(1), 0xffffn << 208n);
  assert.equal(difficultyToTarget(2), (0xffffn << 208n) / 2n);
  const t = 1n << 200n;
  const below = Buffer.alloc(32);
  below[24] = 0x80; // LE: value 2^199
  const above = Buffer.alloc(32);
  above[25] = 0x02; // 2^201
  assert.equal(hashMeetsTarget(below, targetToBE(t)), true);
  assert.equal(hashMeetsTarget(above, targetToBE(t)), false);
  const equal = Buffer.alloc(32);
  equal[25] = 0x01; // exactly 2^200
  assert.equal(hashMeetsTarget(equal, targetToBE(t)), true);
});

test('byte helpers', () => {
  assert.equal(swap4(Buffer.from('0102030405060708', 'hex')).toString('hex'), '0403020108070605');
  assert.equal(parseU32Hex('ffffffff'), 0xffffffff);
  assert.equal(parseU32Hex('fffffff'), -1);
  assert.equal(parseU32Hex('gggggggg'), -1);
  assert.equal(parseU32Hex(12), -1);
  assert.equal(isHex('00ff', 2), true);
  assert.equal(isHex('00f', undefined), false);
  assert.equal(isHex('00ff', 3), false);
});
