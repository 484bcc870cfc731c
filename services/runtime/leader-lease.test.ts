import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcBus } from '../bus/inproc.ts';
import { LeaderLease } from './leader-lease.ts';

test('one leader: a standby takes over when the leader releases, and a leader whose key was taken hears so', async () => {
  const bus = new InProcBus({ prefix: 't' });
  const a = new LeaderLease(bus, 'sharechain', 'sharechain-a', 600);
  const b = new LeaderLease(bus, 'sharechain', 'sharechain-b', 600);
  assert.equal(await a.tryAcquire(), true);
  assert.equal(await b.tryAcquire(), false);
  assert.equal(await b.leader(), 'sharechain-a');
  // A leader renews: the key outlives its TTL while A runs.
  await new Promise((r) => setTimeout(r, 900));
  assert.equal(await b.tryAcquire(), false);
  const taking = b.acquire(20);
  await a.release();
  assert.equal(await taking, true);
  assert.equal(b.leading, true);
  assert.equal(await a.leader(), 'sharechain-b');
  // B's key disappears behind its back (NATS lost it) and C takes it: B is told at its next renewal.
  let lost = '';
  b.onLost = (why) => {
    lost = why;
  };
  const kv = await bus.kv({ name: 'leaders', ttlMs: 600 });
  await kv.delete('sharechain');
  const c = new LeaderLease(bus, 'sharechain', 'sharechain-c', 600);
  assert.equal(await c.tryAcquire(), true);
  await new Promise((r) => setTimeout(r, 400));
  assert.match(lost, /lease sharechain lost/);
  assert.equal(b.leading, false);
  await b.release();
  assert.equal(await c.leader(), 'sharechain-c', "a lost leader does not delete the new leader's key");
  await c.release();
  assert.equal(await c.leader(), null);
  // A released lease stops trying.
  assert.equal(await a.acquire(10), false);
  await bus.drain();
});
