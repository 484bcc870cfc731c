// Any byte string fed to the share decoder yields a typed error, never another exception, a hang
// or unbounded memory; valid shares round-trip. Bounded in count so it always ends quickly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVector } from '../testing/vectors.ts';
import { networkFromDocument } from '../networks/index.ts';
import { parseWrappedShare } from './share.ts';
import { ShareRuleError } from './errors.ts';
import { DecodeError } from '../codec/errors.ts';
import { decodeContents, encodeContents } from './codec.ts';
import { decodeTx, encodeTx } from '../bitcoin/tx.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const typed = (e: unknown) => e instanceof DecodeError || e instanceof ShareRuleError;

for (const file of ['jt35.json', 'jt33.json', 'orig16.json']) {
  const v = loadVector(file);
  const net = networkFromDocument(v);
  const seeds: Buffer[] = v.shares.map((s: any) => Buffer.from(s.packed_share_hex, 'hex'));

  test(`${file}: mutated, truncated and random share bytes give typed errors only`, () => {
    const rand = rng(7);
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const base = seeds[i % seeds.length]!;
      let buf: Buffer;
      const mode = i % 4;
      if (mode === 0) buf = base.subarray(0, Math.floor(rand() * base.length));
      else if (mode === 1) {
        buf = Buffer.from(base);
        for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) buf[Math.floor(rand() * buf.length)] = Math.floor(rand() * 256);
      } else if (mode === 2) buf = Buffer.from(Array.from({ length: Math.floor(rand() * 400) }, () => Math.floor(rand() * 256)));
      else
        buf = Buffer.concat([base.subarray(0, 3), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), base.subarray(3)]);
      try {
        parseWrappedShare(net, buf);
      } catch (e) {
        assert.ok(typed(e), `untyped error for input ${buf.toString('hex').slice(0, 80)}…: ${(e as Error).stack}`);
        rejected++;
      }
    }
    assert.ok(rejected > 2500, `only ${rejected} of 3000 corrupted inputs were rejected`);
  });

  test(`${file}: decode → encode → decode is the identity on every share`, () => {
    for (const s of v.shares) {
      const share = parseWrappedShare(net, Buffer.from(s.packed_share_hex, 'hex'));
      const c = decodeContents(share.packedContents, share.layout).contents;
      const again = encodeContents(c, share.layout);
      assert.ok(again.equals(share.packedContents));
      assert.deepEqual(decodeContents(again, share.layout).contents, c);
    }
  });
}

test('a huge declared list length does not allocate: it is rejected against the bytes left', () => {
  const buf = Buffer.from('01000000' + 'ff' + 'ffffffffffffff00', 'hex');
  assert.throws(
    () => decodeTx(buf),
    (e: unknown) => e instanceof DecodeError && /exceeds|needs/.test((e as Error).message),
  );
});

test('transactions with witness round-trip and random bytes give DecodeErrors', () => {
  const v = loadVector('jt35.json');
  const rand = rng(99);
  for (const hex of v.shares[4].template_txs as string[]) {
    const b = Buffer.from(hex, 'hex');
    assert.equal(encodeTx(decodeTx(b)).toString('hex'), hex);
    for (let i = 0; i < 300; i++) {
      const m = Buffer.from(b);
      const at = Math.floor(rand() * m.length);
      m[at] = m[at]! ^ (1 + Math.floor(rand() * 255));
      try {
        decodeTx(m.subarray(0, Math.floor(rand() * m.length) + 1));
      } catch (e) {
        assert.ok(e instanceof DecodeError, String(e));
      }
    }
  }
});
