import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InProcBus } from '../bus/inproc.ts';
import { builtinNetwork, VersionRatchet } from '../core/index.ts';
import { fileRatchetState, kvRatchetState, type RatchetStateStore } from './ratchet-state.ts';

const snap = { state: 'confirmed' as const, activatedHeight: 120, confirmCount: 80, lastSeen: 321 };

async function roundTrip(a: RatchetStateStore, b: RatchetStateStore): Promise<void> {
  assert.equal(await a.load(), null, 'nothing saved yet');
  await a.save(snap);
  // Another process (or the next leader) reads what the last one saved.
  const r = new VersionRatchet();
  assert.ok(r.restore(await b.load()));
  assert.deepEqual(r.snapshot(), snap);
}

test('file: the next process resumes the ratchet; a missing file is no state, a corrupt one an error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-'));
  try {
    const file = join(dir, 'v36_ratchet.json');
    await roundTrip(fileRatchetState(file), fileRatchetState(file));
    writeFileSync(file, '{not json');
    await assert.rejects(fileRatchetState(file).load());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('KV (cluster): a new leader on the same bus resumes the ratchet the last one saved', async () => {
  const bus = new InProcBus({ prefix: 'ratchet' });
  const net = builtinNetwork('litecoin_regtest_v35');
  try {
    await roundTrip(kvRatchetState(bus, net), kvRatchetState(bus, net));
    assert.equal(await kvRatchetState(bus, builtinNetwork('litecoin_regtest_v36')).load(), null, 'kept per network');
  } finally {
    await bus.drain();
  }
});
