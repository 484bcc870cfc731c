import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVector } from '../testing/vectors.ts';
import { Reader, Writer, DecodeError } from '../codec/index.ts';
import {
  bitsToTarget,
  targetToBits,
  targetToAverageAttempts,
  targetToDifficulty,
  difficultyToTarget,
  coinbaseMerkleBranch,
  merkleRoot,
  pushInteger,
  prefixToHashLink,
  checkHashLink,
  hexToU256,
  u256ToHex,
  decodeHeader,
  headerHash,
  decodeTx,
  encodeTx,
  txid,
  decodeAddress,
  addressToScriptJT,
  pubkeyHashToAddress,
} from './index.ts';
import { hash256, sha256d, scryptPow } from '../crypto/index.ts';

const prim = loadVector('prim.json');

test('VarInt encodes and decodes canonically (prim.json)', () => {
  for (const [value, hex] of Object.entries<string>(prim.varint)) {
    assert.equal(new Writer().varint(BigInt(value)).toBuffer().toString('hex'), hex);
    assert.equal(new Reader(Buffer.from(hex, 'hex')).varintBig('v'), BigInt(value));
  }
  assert.throws(() => new Reader(Buffer.from('fd0a00', 'hex')).varint('n'), /not canonically packed/);
});

test('VarStr (prim.json)', () => {
  assert.equal(new Writer().varstr(Buffer.alloc(0)).toBuffer().toString('hex'), prim.varstr['']);
  assert.equal(new Writer().varstr(Buffer.from('abc')).toBuffer().toString('hex'), prim.varstr.abc);
  assert.ok(new Writer().varstr(Buffer.alloc(300)).toBuffer().toString('hex').startsWith('fd2c01'));
});

test('decode errors name the field and the offset', () => {
  const r = new Reader(Buffer.from('0102', 'hex'));
  r.u8('a');
  assert.throws(
    () => r.u32('share.nonce'),
    (e: unknown) => e instanceof DecodeError && e.field === 'share.nonce' && e.offset === 1,
  );
  assert.throws(() => new Reader(Buffer.from('05aa', 'hex')).varstr('coinbase'), /coinbase at offset 0: length 5 exceeds/);
});

test('compact bits both ways (prim.json)', () => {
  for (const v of prim.floating_integer) {
    const bits = targetToBits(hexToU256(v.target_in));
    assert.equal(bits.toString(16).padStart(8, '0'), v.bits);
    assert.equal(u256ToHex(bitsToTarget(bits)), v.target_out);
    const packed = Buffer.alloc(4);
    packed.writeUInt32LE(bits);
    assert.equal(packed.toString('hex'), v.packed);
  }
  for (const [bits, target] of Object.entries<string>(prim.bits_to_target)) {
    assert.equal(u256ToHex(bitsToTarget(parseInt(bits, 16))), target);
  }
});

test('attempts and difficulty (prim.json)', () => {
  for (const [t, a] of Object.entries<number>(prim.target_to_average_attempts))
    assert.equal(targetToAverageAttempts(hexToU256(t)), BigInt(a));
  for (const [t, d] of Object.entries<string>(prim.target_to_difficulty)) assert.equal(targetToDifficulty(hexToU256(t)), Number(d));
  for (const [d, t] of Object.entries<string>(prim.difficulty_to_target)) assert.equal(u256ToHex(difficultyToTarget(Number(d))), t);
});

test('BIP-34 push script (prim.json)', () => {
  for (const [n, hex] of Object.entries<string>(prim.create_push_script)) assert.equal(pushInteger(BigInt(n)).toString('hex'), hex);
});

test('merkle links with an unknown coinbase leaf (prim.json)', () => {
  for (const link of Object.values<any>(prim.merkle)) {
    if (!link.hashes) continue;
    const others = link.hashes.slice(1).map((x: number) => BigInt(x));
    assert.deepEqual(coinbaseMerkleBranch(others).map(u256ToHex), link.branch);
  }
});

test('hash link resumes SHA-256 from a midstate (prim.json)', () => {
  const hl = prim.hash_link;
  const constEnding = Buffer.from(hl.const_ending_hex, 'hex');
  const prefix = Buffer.from(hl.prefix_hex, 'hex');
  const link = prefixToHashLink(prefix, constEnding);
  assert.equal(link.length, hl.length);
  assert.equal(link.state.toString('hex'), hl.state);
  const data = Buffer.from(hl.suffix_hex, 'hex');
  assert.equal(u256ToHex(checkHashLink(link, data, constEnding)), hl.check_result);
  assert.equal(u256ToHex(hash256(Buffer.concat([prefix, data]))), hl.hash256_of_prefix_plus_suffix);
});

test('header hash and scrypt PoW (docs/protocol.md §11.5 a, b)', () => {
  const h = {
    version: 1,
    previousBlock: hexToU256('000000000000038a2a86b72387f93c51298298a732079b3b686df3603d2f6282'),
    merkleRoot: hexToU256('37a43a3b812e4eb665975f46393b4360008824aab180f27d642de8c28073bc44'),
    timestamp: 1323752685,
    bits: 437159528,
    nonce: 3658685446,
  };
  assert.equal(u256ToHex(headerHash(h)), '000000000000003aaaf7638f9f9c0d0c60e8b0eb817dcdb55fd2b1964efc5175');
  const ltc = Buffer.from(
    '0100000073009584100e64c11ee87789693ceffe1bd2cd10584d42ddc9d1136606d328d9165f399f54c51b8f46aa00b6528a3ca9b3e725e4022b184a59668ab546b6f403daba244f6fb5011d00510000',
    'hex',
  );
  assert.equal(decodeHeader(ltc).nonce, 20736);
  assert.equal(
    u256ToHex(hexToU256(Buffer.from(scryptPow(ltc)).reverse().toString('hex'))),
    '00000001312dc20ce5aa3ee622f5562dfb2593ec51436aab739ef0d02189e18f',
  );
  assert.equal(u256ToHex(hash256(ltc)), 'dc43b379b2a4a3d9d78ec6d7add70429b7fb9b45db664fa9bc2f73a03d914e96');
});

test('transaction hash and the 30-leaf merkle root (docs/protocol.md §11.5 c, e)', () => {
  const tx = {
    version: 1,
    inputs: [
      {
        prevHash: 0n,
        prevIndex: 0xffffffff,
        script: Buffer.from(
          '70736a0468860e1a0452389500522cfabe6d6d2b2f33cf8f6291b184f1b291d24d82229463fcec239afea0ee34b4bfc622f62401000000000000004d696e656420627920425443204775696c6420ac1eeeed88',
          'hex',
        ),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outputs: [{ value: 5003880250n, script: Buffer.from('76a914ca975b00a8c203b8692f5a18d92dc5c2d2ebc57b88ac', 'hex') }],
    lockTime: 0,
  };
  assert.equal(u256ToHex(txid(tx)), 'b53802b2333e828d6532059f46ecf6b313a42d79f97925e457fbbfda45367e5c');
  assert.deepEqual(decodeTx(encodeTx(tx)), tx);
  const leaves = [
    'b53802b2333e828d6532059f46ecf6b313a42d79f97925e457fbbfda45367e5c',
    '326dfe222def9cf571af37a511ccda282d83bedcc01dabf8aa2340d342398cf0',
    '5d2e0541c0f735bac85fa84bfd3367100a3907b939a0c13e558d28c6ffd1aea4',
    '8443faf58aa0079760750afe7f08b759091118046fe42794d3aca2aa0ff69da2',
    '4d8d1c65ede6c8eab843212e05c7b380acb82914eef7c7376a214a109dc91b9d',
    '1d750bc0fa276f89db7e6ed16eb1cf26986795121f67c03712210143b0cb0125',
    '5179349931d714d3102dfc004400f52ef1fed3b116280187ca85d1d638a80176',
    '0a8b3f6d2d566a9239c9ad9ae2ed5178dee4a11560a8dd1d9b608fd6bf8c1e75',
    'ab4d07cd97f9c0c4129cff332873a44efdcd33bdbfc7574fe094df1d379e772f',
    'f54a7514b1de8b5d9c2a114d95fba1e694b6e3e4a771fda3f0333515477d685b',
    '894e972d8a2fc6c486da33469b14137a7f89004ae07b95e63923a3032df32089',
    '86cdde1704f53fce33ab2d4f5bc40c029782011866d0e07316d695c41e32b1a0',
    'f7cf4eae5e497be8215778204a86f1db790d9c27fe6a5b9f745df5f3862f8a85',
    '02e72f7ddf157d64f538ec72562a820e90150e8c54afc4d55e0d6e3dbd8ca50a',
    '9f27471dfbc6ce3cbfcf1c8b25d44b8d1b9d89ea5255e9d6109e0f9fd662f75c',
    '995f4c9f78c5b75a0c19f0a32387e9fa75adaa3d62fba041790e06e02ae9d86d',
    'b11ec2ad2049aa32b4760d458ee9effddf7100d73c4752ea497e54e2c58ba727',
    'a439f288fbc5a3b08e5ffd2c4e2d87c19ac2d5e4dfc19fabfa33c7416819e1ec',
    '3aa33f886f1357b4bbe81784ec1cf05873b7c5930ab912ee684cc6e4f06e4c34',
    'cab9a1213037922d94b6dcd9c567aa132f16360e213c202ee59f16dde3642ac7',
    'a2d7a3d2715eb6b094946c6e3e46a88acfb37068546cabe40dbf6cd01a625640',
    '3d02764f24816aaa441a8d472f58e0f8314a70d5b44f8a6f88cc8c7af373b24e',
    'cc5adf077c969ebd78acebc3eb4416474aff61a828368113d27f72ad823214d0',
    '0f2d8049d1971f02575eb37d3a732d46927b6be59a18f1bd0c7f8ed123e8a58a',
    '94ffe8d46a1accd797351894f1774995ed7df3982c9a5222765f44d9c3151dbb',
    '82268fa74a878636261815d4b8b1b01298a8bffc87336c0d6f13ef6f0373f1f0',
    '73f441f8763dd1869fe5c2e9d298b88dc62dc8c75af709fccb3622a4c69e2d55',
    'eb78fc63d4ebcdd27ed618fd5025dc61de6575f39b2d98e3be3eb482b210c0a0',
    '13375a426de15631af9afdf00c490e87cc5aab823c327b9856004d0b198d72db',
    '67d76a64fa9b6c5d39fde87356282ef507b3dec1eead4b54e739c74e02e81db4',
  ].map(hexToU256);
  assert.equal(u256ToHex(merkleRoot(leaves)), '37a43a3b812e4eb665975f46393b4360008824aab180f27d642de8c28073bc44');
});

test('sha256d (docs/protocol.md §11.5 h)', () => {
  assert.equal(sha256d(Buffer.from('foobar')).toString('hex'), '3f2c7ccae98af81e44c0ec419659f50d8b7d48c681e5d57fc747d0461e42dda1');
});

test('addresses round trip per network (docs/protocol.md §11.5 g)', () => {
  const btc = { ADDRESS_VERSION: 0, ADDRESS_P2SH_VERSION: 5, HUMAN_READABLE_PART: 'bc' };
  const ltc = { ADDRESS_VERSION: 48, ADDRESS_P2SH_VERSION: 50, HUMAN_READABLE_PART: 'ltc' };
  for (const a of [
    'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
    '3P14159f73E4gFr7JterCCQh9QjiTjiZrG',
    '1LR4dmTSS2BV7yrMKKv2SwYBGWhtEGCU29',
  ]) {
    assert.ok(decodeAddress(a, btc).script.length > 20);
  }
  for (const a of [
    'Lf3iRHmfbLcZry4Y28esSJ9ASAfGJtBiyf',
    'MJVQisa7ragNAvfEMw3Khf5qUDiWQuFtq5',
    'ltc1q5z36sntfrnd2us8aphw6tmk6ywl49r3q0vk2fm',
  ]) {
    assert.ok(decodeAddress(a, ltc));
    assert.throws(() => decodeAddress(a, btc), /invalid address/);
  }
  const tr = decodeAddress('bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297', btc);
  assert.equal(tr.kind, 'p2tr');
  assert.equal(tr.script[0], 0x51);
  assert.throws(() => addressToScriptJT('bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297', btc, true), /BIP-173/);
  assert.equal(
    pubkeyHashToAddress(Buffer.from('d03da6fca390166d020be0e7c28ac8cc70f58403', 'hex'), 0),
    '1Kz5QaUPDtKrj5SqW5tFkn7WZh8LmQaQi4',
  );
  assert.equal(
    pubkeyHashToAddress(Buffer.from('d03da6fca390166d020be0e7c28ac8cc70f58403', 'hex'), 48),
    'LeD2fnnDJYZuyt8zgDsZ2oBGmuVcxGKCLd',
  );
});

test('the v34 script padding bug and its v35 fix (docs/protocol.md §11.7)', () => {
  const btc = { ADDRESS_VERSION: 0, ADDRESS_P2SH_VERSION: 5, HUMAN_READABLE_PART: 'bc' };
  const a = 'bc1qqqgjyv6y24n80zye42aueh0wluqpzg3ndy2ehs';
  assert.equal(addressToScriptJT(a, btc, false).toString('hex'), '0013112233445566778899aabbccddeeff00112233');
  assert.equal(addressToScriptJT(a, btc, true).toString('hex'), '001400112233445566778899aabbccddeeff00112233');
  const b = 'bc1qqygjyv6y24n80zye42aueh0wluqpzg3n54dm0n';
  assert.throws(() => addressToScriptJT(b, btc, false), /odd number of hex digits/);
  assert.equal(addressToScriptJT(b, btc, true).toString('hex'), '001401112233445566778899aabbccddeeff00112233');
});
