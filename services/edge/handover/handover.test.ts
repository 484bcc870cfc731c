import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcBus } from '../../bus/inproc.ts';
import { jobTagOf, newJobTag, TAG_HEX } from './job-tag.ts';
import { DepartedSessions } from './departed.ts';
import { MinerDifficultyBook } from './miner-difficulty.ts';

test('job tags: the prefix byte then 16 random bits, read back from a job id', () => {
  const tag = newJobTag(5, () => 0.5);
  assert.equal(tag, '058000');
  assert.equal(tag.length, TAG_HEX);
  assert.equal(jobTagOf(`${tag}1a2b`), tag);
  assert.equal(jobTagOf(tag), null, 'a bare tag is no job id');
  assert.equal(jobTagOf('zz00001'), null);
  assert.equal(jobTagOf(42), null);
  assert.notEqual(
    newJobTag(5),
    newJobTag(5, () => 0.25),
    'a restarted edge with the same prefix gets another tag',
  );
});

test('departed sessions: by username, the newest last, one entry per extranonce1, forgotten after keepMs', () => {
  const d = new DepartedSessions(1_000);
  const a = Buffer.from('00000001', 'hex');
  const b = Buffer.from('00000002', 'hex');
  d.add(['u1', 'u1.rig'], { en1: a, versionMask: 0, vardiff: null, at: 0 });
  d.add(['u1'], { en1: a, versionMask: 4, vardiff: null, at: 100 });
  d.add(['u1'], { en1: b, versionMask: 0, vardiff: null, at: 500 });
  assert.deepEqual(
    d.get('u1').map((x) => [x.en1.toString('hex'), x.versionMask]),
    [
      ['00000001', 4],
      ['00000002', 0],
    ],
  );
  assert.equal(d.get('u1.rig').length, 1);
  d.sweep(1_200);
  assert.deepEqual(
    d.get('u1').map((x) => x.en1.toString('hex')),
    ['00000002'],
  );
  assert.equal(d.get('u1.rig').length, 0);
  d.sweep(2_000);
  assert.equal(d.size, 0);
});

test('miner difficulties: what one edge remembers, another edge on the same bus reads (KV watch), newest wins', async () => {
  const bus = new InProcBus({ prefix: 't' });
  const a = new MinerDifficultyBook();
  const b = new MinerDifficultyBook();
  await a.attach(bus);
  a.remember('ltc1qminer.rig1', 1n << 240n, 1_000);
  await b.attach(bus); // attaches later: gets the current value first
  assert.equal(b.get('ltc1qminer.rig1'), 1n << 240n);
  b.remember('ltc1qminer.rig1', 1n << 239n, 2_000);
  await new Promise((r) => setImmediate(r));
  assert.equal(a.get('ltc1qminer.rig1'), 1n << 239n);
  assert.equal(a.get('unknown'), undefined);
  // Usernames with any characters map to valid keys.
  a.remember('user with spaces/+diff', 1n << 200n, 3_000);
  await a.flush(['user with spaces/+diff']);
  assert.equal(b.get('user with spaces/+diff'), 1n << 200n);
  await a.close();
  await b.close();
  await bus.drain();
});
