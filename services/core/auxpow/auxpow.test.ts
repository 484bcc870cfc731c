import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  AuxPowError,
  auxPowMeetsTarget,
  buildAuxPow,
  buildAuxTree,
  chainIdOfVersion,
  checkAuxPow,
  decodeAuxPow,
  decodeAuxPowHeader,
  encodeAuxPow,
  encodeMergedMiningData,
  expectedIndex,
  findMergedMiningData,
  foldMerkleBranch,
  type AuxPow,
} from './index.ts';
import {
  bitsToTarget,
  decodeTx,
  encodeHeader,
  encodeTx,
  hash256,
  merkleRoot,
  pushData,
  pushInteger,
  scryptPow,
  sha256d,
  u256FromLE,
  type Tx,
} from '../index.ts';

const dir = resolve(import.meta.dirname, '../../../test/vectors/auxpow');
const meta = JSON.parse(readFileSync(join(dir, 'vectors.json'), 'utf8')) as Record<
  string,
  { chain: string; hash?: string; parentPow: 'scrypt' | 'sha256d'; treeSize: number; chainIndex: number }
>;
const vectors = Object.entries(meta).map(([name, m]) => ({
  name,
  ...m,
  bytes: Buffer.from(readFileSync(join(dir, `${name}.hex`), 'utf8').trim(), 'hex'),
}));

function parentPowHash(kind: 'scrypt' | 'sha256d', header: Buffer): bigint {
  return u256FromLE(kind === 'scrypt' ? scryptPow(header) : sha256d(header));
}

/** Verifier plus proof of work: what an aux chain requires of a block's AuxPoW. */
function accepts(a: AuxPow, auxHash: bigint, chainId: number, bits: number, pow: 'scrypt' | 'sha256d'): boolean {
  try {
    checkAuxPow(a, auxHash, chainId);
  } catch (e) {
    if (e instanceof AuxPowError) return false;
    throw e;
  }
  return auxPowMeetsTarget(parentPowHash(pow, encodeHeader(a.parentHeader)), bitsToTarget(bits));
}

for (const v of vectors) {
  test(`auxpow vector ${v.name}: decodes and re-encodes byte for byte; the builder reproduces it`, () => {
    const h = decodeAuxPowHeader(v.bytes);
    const auxBytes = v.bytes.subarray(80);
    assert.deepEqual(encodeAuxPow(h.auxpow), auxBytes);
    assert.deepEqual(encodeAuxPow(decodeAuxPow(auxBytes)), auxBytes);
    if (v.hash) assert.equal(hash256(h.headerBytes).toString(16).padStart(64, '0'), v.hash);
    const a = h.auxpow;
    assert.equal(a.chainBranch.length, Math.log2(v.treeSize));
    assert.equal(a.chainIndex, v.chainIndex);
    // Built again from its parts: the coinbase as bytes, the parent header, both branches and the slot.
    const rebuilt = buildAuxPow({
      coinbaseTx: decodeTx(encodeTx(a.coinbaseTx, true)),
      parentHeader: { ...a.parentHeader },
      parentBlockHash: a.parentBlockHash,
      coinbaseBranch: a.coinbaseBranch,
      chainBranch: a.chainBranch,
      chainIndex: a.chainIndex,
    });
    assert.deepEqual(encodeAuxPow(rebuilt), auxBytes);
  });

  test(`auxpow vector ${v.name}: the commitment and slot are what our tree functions compute`, () => {
    const h = decodeAuxPowHeader(v.bytes);
    const a = h.auxpow;
    const chainId = chainIdOfVersion(h.header.version);
    const root = foldMerkleBranch(hash256(h.headerBytes), a.chainBranch, a.chainIndex);
    const script = a.coinbaseTx.inputs[0]!.script;
    const rootAt = script.indexOf(Buffer.from(root.toString(16).padStart(64, '0'), 'hex'));
    assert.ok(rootAt >= 0);
    const nonce = script.readUInt32LE(rootAt + 36);
    assert.equal(expectedIndex(nonce, chainId, a.chainBranch.length), a.chainIndex);
    const mm = findMergedMiningData(script);
    if (mm === null) {
      assert.equal(v.name, 'nmc-19414'); // the pre-magic block
      return;
    }
    assert.deepEqual(mm, { root, treeSize: v.treeSize, merkleNonce: nonce });
    assert.ok(script.includes(encodeMergedMiningData(mm)));
    // The tree builder, told the block's layout, puts the chain in the block's slot.
    const tree = buildAuxTree([{ chainId, hash: hash256(h.headerBytes) }], { size: v.treeSize, merkleNonce: nonce });
    assert.equal(tree.slots.get(chainId), a.chainIndex);
    if (v.treeSize === 1) assert.equal(tree.root, root);
  });

  test(`auxpow vector ${v.name}: our verifier accepts it and rejects each field altered`, () => {
    const h = decodeAuxPowHeader(v.bytes);
    const auxHash = hash256(h.headerBytes);
    const chainId = chainIdOfVersion(h.header.version);
    const ok = (a: AuxPow, hash = auxHash, id = chainId) => accepts(a, hash, id, h.header.bits, v.parentPow);
    assert.equal(ok(h.auxpow), true);
    const fresh = () => decodeAuxPow(v.bytes.subarray(80));
    const flip = (n: bigint) => n ^ 1n;
    const altered: [string, (a: AuxPow) => void][] = [
      [
        'coinbase script',
        (a) => {
          const s = Buffer.from(a.coinbaseTx.inputs[0]!.script);
          s[s.length - 1]! ^= 1;
          a.coinbaseTx.inputs[0]!.script = s;
        },
      ],
      [
        'coinbase output',
        (a) => {
          if (a.coinbaseTx.outputs.length) a.coinbaseTx.outputs[0]!.value += 1n;
          else a.coinbaseTx.lockTime = (a.coinbaseTx.lockTime ^ 1) >>> 0;
        },
      ],
      [
        'coinbase version',
        (a) => {
          a.coinbaseTx.version = (a.coinbaseTx.version ^ 2) >>> 0;
        },
      ],
      [
        'coinbase branch',
        (a) => {
          if (a.coinbaseBranch.length) a.coinbaseBranch[0] = flip(a.coinbaseBranch[0]!);
          else a.coinbaseBranch.push(0n);
        },
      ],
      [
        'coinbase index',
        (a) => {
          a.coinbaseIndex = 1;
        },
      ],
      [
        'chain branch',
        (a) => {
          if (a.chainBranch.length) a.chainBranch[0] = flip(a.chainBranch[0]!);
          else a.chainBranch.push(0n);
        },
      ],
      [
        'chain index',
        (a) => {
          a.chainIndex ^= 1;
        },
      ],
      [
        'parent version',
        (a) => {
          a.parentHeader.version = (a.parentHeader.version ^ 4) >>> 0;
        },
      ],
      [
        'parent previous block',
        (a) => {
          a.parentHeader.previousBlock = flip(a.parentHeader.previousBlock);
        },
      ],
      [
        'parent merkle root',
        (a) => {
          a.parentHeader.merkleRoot = flip(a.parentHeader.merkleRoot);
        },
      ],
      [
        'parent time',
        (a) => {
          a.parentHeader.timestamp = (a.parentHeader.timestamp ^ 1) >>> 0;
        },
      ],
      [
        'parent bits',
        (a) => {
          a.parentHeader.bits = (a.parentHeader.bits ^ 1) >>> 0;
        },
      ],
      [
        'parent nonce',
        (a) => {
          a.parentHeader.nonce = (a.parentHeader.nonce ^ 1) >>> 0;
        },
      ],
    ];
    for (const [what, change] of altered) {
      const a = fresh();
      change(a);
      assert.equal(ok(a), false, `${v.name} with its ${what} altered`);
    }
    assert.equal(ok(fresh(), flip(auxHash)), false, 'another aux block');
    // Another chain id: its slot differs in a tree of several; a tree of 1 has one slot for every id (the chains' rule).
    assert.equal(
      ok(fresh(), auxHash, chainId + 1),
      v.treeSize === 1 && chainId + 1 !== chainIdOfVersion(h.auxpow.parentHeader.version),
      'another chain id',
    );
    // hashBlock is carried but checked by no chain (nor by us): altering it changes nothing.
    const a = fresh();
    a.parentBlockHash = flip(a.parentBlockHash);
    assert.equal(ok(a), true);
  });
}

test("expectedIndex is the chains' 32-bit LCG", () => {
  // rand = (nonce * 1103515245 + 12345) mod 2^32; rand += chainId; rand = rand * 1103515245 + 12345; slot = rand mod 2^h
  const slow = (nonce: number, id: number, h: number) => {
    const m = 2n ** 32n;
    let r = (BigInt(nonce) * 1103515245n + 12345n) % m;
    r = (r + BigInt(id)) % m;
    r = (r * 1103515245n + 12345n) % m;
    return Number(r % 2n ** BigInt(h));
  };
  for (const [n, id, h] of [
    [0, 1, 4],
    [0x9f909ff0, 0x62, 3],
    [0xffffffff, 0xffff, 30],
    [12345, 7, 0],
    [1, 98, 10],
  ] as const) {
    assert.equal(expectedIndex(n, id, h), slow(n, id, h));
  }
  assert.equal(expectedIndex(0, 1, 4), 11); // Namecoin block 37,174: nonce 0, tree of 16, slot 11
});

test('aux tree over several chains: distinct slots, each branch folds to the root, smallest size first', () => {
  const leaves = [0x62, 1, 0x2000, 7, 42].map((chainId, i) => ({ chainId, hash: hash256(Buffer.from([i])) }));
  const tree = buildAuxTree(leaves);
  assert.ok(tree.size >= leaves.length);
  const slots = new Set(tree.slots.values());
  assert.equal(slots.size, leaves.length);
  for (const l of leaves) {
    const slot = tree.slots.get(l.chainId)!;
    assert.equal(slot, expectedIndex(tree.merkleNonce, l.chainId, tree.height));
    assert.equal(foldMerkleBranch(l.hash, tree.branches.get(l.chainId)!, slot), tree.root);
  }
  // The root is the plain merkle root of the full leaf row (zeros in empty slots).
  const row = new Array<bigint>(tree.size).fill(0n);
  for (const l of leaves) row[tree.slots.get(l.chainId)!] = l.hash;
  assert.equal(tree.root, merkleRoot(row));
  // One chain: a tree of 1 whose root is the aux block hash (what a single-chain daemon expects).
  const one = buildAuxTree([leaves[0]!]);
  assert.deepEqual([one.size, one.merkleNonce, one.root], [1, 0, leaves[0]!.hash]);
  assert.throws(() => buildAuxTree([leaves[0]!, { ...leaves[1]!, chainId: 0x62 }]), /same chain id/);
});

test('a parent solution over a multi-chain tree gives every chain an AuxPoW it accepts', () => {
  const chains = [
    { chainId: 0x62, hash: hash256(Buffer.from('doge')) },
    { chainId: 1, hash: hash256(Buffer.from('nmc')) },
    { chainId: 3, hash: hash256(Buffer.from('x')) },
  ];
  const tree = buildAuxTree(chains);
  const script = Buffer.concat([
    pushInteger(1234),
    pushData(encodeMergedMiningData({ root: tree.root, treeSize: tree.size, merkleNonce: tree.merkleNonce })),
    pushData(Buffer.from('/p2pool/')),
  ]);
  const coinbaseTx: Tx = {
    version: 1,
    inputs: [{ prevHash: 0n, prevIndex: 0xffffffff, script, sequence: 0xffffffff, witness: [] }],
    outputs: [{ value: 5000n, script: Buffer.from('51', 'hex') }],
    lockTime: 0,
  };
  const others = [hash256(Buffer.from('a')), hash256(Buffer.from('b'))];
  const txid = hash256(encodeTx(coinbaseTx, false));
  const parentHeader = {
    version: 0x20000000,
    previousBlock: 5n,
    merkleRoot: merkleRoot([txid, ...others]),
    timestamp: 1,
    bits: 0x207fffff,
    nonce: 0,
  };
  const branch = [others[0]!, merkleRoot([others[1]!, others[1]!])];
  for (const c of chains) {
    const a = buildAuxPow({
      coinbaseTx,
      parentHeader,
      parentBlockHash: hash256(encodeHeader(parentHeader)),
      coinbaseBranch: branch,
      chainBranch: tree.branches.get(c.chainId)!,
      chainIndex: tree.slots.get(c.chainId)!,
    });
    checkAuxPow(decodeAuxPow(encodeAuxPow(a)), c.hash, c.chainId);
    assert.throws(() => checkAuxPow(a, c.hash, c.chainId === 3 ? 4 : 3), AuxPowError);
  }
});
