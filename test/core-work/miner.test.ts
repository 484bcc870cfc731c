// The CPU miner against a real EdgeServer (fixed templates): subscribe/authorize, notify jobs mined
// on worker threads, set_difficulty honoured (with the 65536 scaling for scrypt), pseudoshares
// accepted, shares and blocks reaching the sink with headers that hash as the miner said.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuMiner, difficultyToTarget, DIFF1_TARGET } from '../../services/miner/index.ts';
import { edgeConfigForParent, parentNetwork } from '../../services/edge/index.ts';
import { startEdge, ADDRESS } from '../edge/harness.ts';

test('difficulty to target: difficulty 1 is the diff-1 target; scrypt scaling by 65536', () => {
  assert.equal(difficultyToTarget(1), DIFF1_TARGET);
  assert.equal(difficultyToTarget(65536, 65536), DIFF1_TARGET);
  assert.equal(difficultyToTarget(2 ** -20), DIFF1_TARGET << 20n);
});

test('sha256d: pseudoshares accepted, shares and blocks delivered to the sink', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const miner = new CpuMiner({ port: h.port, username: `${ADDRESS}.cpu`, algorithm: 'sha256d', threads: 2 });
  t.after(() => miner.stop());
  await miner.start();
  await miner.waitFor((s) => s.accepted >= 20 && h.sink.events.some((e) => e.kind === 'block'));
  await miner.stop();
  const s = miner.stats();
  // The harness starts pseudoshares at p = 1/16: while vardiff climbs (x2 per 12 submits) a few submits
  // found at a target two retargets old arrive after the grace of the previous one. Nothing else fails.
  assert.deepEqual(
    Object.keys(s.rejectReasons).filter((r) => !r.startsWith('23 ')),
    [],
    JSON.stringify(s.rejectReasons),
  );
  assert.ok(s.hashes > 0 && s.difficulty > 0 && s.jobs >= 1);
  const blocks = h.sink.events.filter((e) => e.kind === 'block').length;
  assert.ok(blocks >= 1);
  assert.ok(h.sink.events.filter((e) => e.kind === 'share').length >= blocks);
  // Submits in flight when the miner stopped were accepted without the miner seeing the reply.
  assert.ok(h.edge.snapshot().counters.accepted >= s.accepted);
});

test('scrypt: set_difficulty is divided by 65536 (DUMB_SCRYPT_DIFF)', async (t) => {
  const cfg = edgeConfigForParent(parentNetwork('litecoin_regtest')!);
  const h = await startEdge(cfg);
  t.after(() => h.stop());
  const user = 'rltc1qw508d6qejxtdg4y5r3zarvary0c5xw7k693xs3';
  // +D fixes the pseudoshare difficulty: 65536 * 2^-26 in miner units is p = 1/64 per scrypt hash.
  const miner = new CpuMiner({ port: h.port, username: `${user}+${65536 * 2 ** -26}`, algorithm: 'scrypt' });
  t.after(() => miner.stop());
  await miner.start();
  await miner.waitFor((s) => s.accepted >= 5);
  await miner.stop();
  const s = miner.stats();
  assert.equal(s.rejected, 0, JSON.stringify(s.rejectReasons));
  assert.equal(s.difficulty, 65536 * 2 ** -26);
  // About 64 hashes per pseudoshare: far more would mean the scaling was not applied.
  assert.ok(s.hashes / s.submitted < 64 * 20, `${s.hashes} hashes for ${s.submitted} submits`);
});

test('maxHashrate caps the hashing rate (upper bound only: a slow host cannot fail it)', async (t) => {
  const h = await startEdge();
  t.after(() => h.stop());
  const miner = new CpuMiner({ port: h.port, username: ADDRESS, algorithm: 'sha256d', threads: 2, maxHashrate: 2000 });
  t.after(() => miner.stop());
  const t0 = performance.now();
  await miner.start();
  await miner.waitFor((s) => s.hashes >= 2000);
  await miner.stop();
  const seconds = (performance.now() - t0) / 1000;
  assert.ok(miner.stats().hashes <= 2000 * (seconds + 1), `${miner.stats().hashes} hashes in ${seconds.toFixed(2)} s`);
});
