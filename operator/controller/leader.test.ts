import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LeaderElector, microTime, type Lease, type LeaseStore } from './leader.ts';

// An in-memory Lease with the API server's optimistic concurrency (resourceVersion checks); the real
// API server is exercised by `make test-k8s` (two operator replicas, one leader).
class MemoryLeaseStore implements LeaseStore {
  lease: Lease | null = null;
  #rv = 0;
  async get() {
    return this.lease ? structuredClone(this.lease) : null;
  }
  async create(l: Lease) {
    if (this.lease) return false;
    this.lease = { ...structuredClone(l), metadata: { ...l.metadata, resourceVersion: String(++this.#rv) } };
    return true;
  }
  async replace(l: Lease) {
    if (!this.lease || this.lease.metadata.resourceVersion !== l.metadata.resourceVersion) return false;
    this.lease = { ...structuredClone(l), metadata: { ...l.metadata, resourceVersion: String(++this.#rv) } };
    return true;
  }
}

test('MicroTime has exactly six fractional digits', () => {
  assert.equal(microTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))), '2026-01-02T03:04:05.678000Z');
});

test('two candidates: exactly one leads; the other takes over only after the lease expires on its own clock', async () => {
  const store = new MemoryLeaseStore();
  let t = 1_000_000;
  const now = () => t;
  const a = new LeaderElector({ store, namespace: 'ns', name: 'op', identity: 'a', leaseDurationSeconds: 15, now });
  const b = new LeaderElector({ store, namespace: 'ns', name: 'op', identity: 'b', leaseDurationSeconds: 15, now });
  assert.equal(await a.tryAcquireOrRenew(), true);
  assert.equal(await b.tryAcquireOrRenew(), false);
  t += 10_000;
  assert.equal(await a.tryAcquireOrRenew(), true, 'renewal');
  assert.equal(await b.tryAcquireOrRenew(), false, 'a renewed: b saw a change and restarts its clock');
  t += 14_000;
  assert.equal(await b.tryAcquireOrRenew(), false, "not yet expired by b's clock");
  t += 2_000;
  assert.equal(await b.tryAcquireOrRenew(), true, 'a stopped renewing: b takes over');
  assert.equal(store.lease!.spec.holderIdentity, 'b');
  assert.equal(store.lease!.spec.leaseTransitions, 1);
  assert.equal(await a.tryAcquireOrRenew(), false, 'a lost it');
});

test('a racing replace loses on the resourceVersion', async () => {
  const store = new MemoryLeaseStore();
  const a = new LeaderElector({ store, namespace: 'ns', name: 'op', identity: 'a' });
  await a.tryAcquireOrRenew();
  const stale = await store.get();
  await a.tryAcquireOrRenew();
  assert.equal(await store.replace({ ...stale!, spec: { ...stale!.spec, holderIdentity: 'c' } }), false);
});

test('release hands the lease over at once', async () => {
  const store = new MemoryLeaseStore();
  const a = new LeaderElector({ store, namespace: 'ns', name: 'op', identity: 'a' });
  const b = new LeaderElector({ store, namespace: 'ns', name: 'op', identity: 'b' });
  await a.tryAcquireOrRenew();
  await a.release();
  assert.equal(await b.tryAcquireOrRenew(), true);
});
