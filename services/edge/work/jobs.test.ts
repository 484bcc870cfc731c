// The hand-written notify line against the generic JSON-RPC encoder, and the per-template encoding
// cache against templates that share a branch array but not their header fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Job, JobRegistry } from './jobs.ts';
import { encodeCall } from '../codec/jsonrpc.ts';
import type { JobTemplate } from '../work-source.ts';

function template(branch: readonly Buffer[], over: Partial<JobTemplate> = {}): JobTemplate {
  return {
    workId: 1,
    prevHash: randomBytes(32),
    version: 0x20000000,
    bits: 0x1d00ffff,
    ntime: 1_700_000_000,
    coinb1: randomBytes(50 + Math.floor(Math.random() * 300)),
    coinb2: randomBytes(4),
    merkleBranch: branch,
    shareTarget: 1n << 230n,
    blockTarget: 1n << 220n,
    payload: null,
    ...over,
  };
}

test('notifyLine is byte for byte encodeCall(mining.notify, notifyParams)', () => {
  const reg = new JobRegistry(4, 4, 0xfffffff0);
  for (let n = 0; n < 14; n++) {
    const branch = Array.from({ length: n }, () => randomBytes(32));
    for (let i = 0; i < 20; i++) {
      const job = reg.add(`k${i}`, template(branch, { version: (Math.random() * 0x100000000) >>> 0, ntime: i }), 0);
      for (const clean of [true, false]) {
        assert.equal(job.notifyLine(clean), encodeCall('mining.notify', job.notifyParams(clean)));
      }
    }
  }
});

test('jobs sharing a branch array but not prevhash, version, bits, ntime or block target do not share encodings', () => {
  const branch = [randomBytes(32)];
  const a = new Job('1', 'a', template(branch), 0, 4, 4);
  const variants: Partial<JobTemplate>[] = [
    { prevHash: randomBytes(32) },
    { version: 0x20000004 },
    { bits: 0x1c00ffff },
    { ntime: 5 },
    { blockTarget: 1n << 200n },
  ];
  for (const v of variants) {
    const b = new Job('2', 'b', template(branch, v), 0, 4, 4);
    assert.equal(b.notifyLine(true), encodeCall('mining.notify', b.notifyParams(true)));
    assert.deepEqual(b.blockTargetBE, Buffer.from(b.template.blockTarget.toString(16).padStart(64, '0'), 'hex'));
    assert.equal(b.prevHashHex, b.template.prevHash.toString('hex'));
  }
  assert.equal(a.prevHashHex, a.template.prevHash.toString('hex'));
});

test('the coinbase scratch holds coinb1, room for both extranonces, coinb2', () => {
  const t = template([]);
  const job = new Job('1', 'a', t, 0, 4, 8);
  const cb = job.coinbaseScratch;
  assert.equal(cb.length, t.coinb1.length + 12 + 4);
  assert.deepEqual(cb.subarray(0, t.coinb1.length), t.coinb1);
  assert.deepEqual(cb.subarray(job.en2Offset + 8), t.coinb2);
  assert.equal(job.coinbaseScratch, cb, 'made once');
});
