import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { P2PoolNode } from '../api/types.ts';
import { computeStatus, formatHashrate, poolFigures, sameStatus } from './status.ts';

const node = (status?: P2PoolNode['status']): P2PoolNode => ({
  apiVersion: 'p2pool.dev/v1alpha1',
  kind: 'P2PoolNode',
  metadata: { name: 'n', namespace: 'ns', generation: 4 },
  spec: { network: 'litecoin_regtest', fullNodes: [{ rpcUrl: 'http://h:1', credentialsSecretRef: { name: 's' } }] },
  ...(status ? { status } : {}),
});
const w = (name: string, ready: number, desired = 1, current = true) => ({
  name,
  kind: 'Deployment' as const,
  desired,
  ready,
  updated: ready,
  current,
});
const edges = { desired: 2, ready: 2, selector: 'x=y', prefixes: [1, 0] };

test('all workloads ready: Ready, Synced, not Progressing, not Degraded; observedGeneration set', () => {
  const s = computeStatus({ node: node(), version: '0.1.0', now: '2026-01-01T00:00:00Z', workloads: [w('a', 1), w('b', 2, 2)], edges });
  const by = Object.fromEntries(s.conditions!.map((c) => [c.type, c.status]));
  assert.deepEqual(by, { Ready: 'True', Synced: 'True', Progressing: 'False', Degraded: 'False' });
  assert.equal(s.observedGeneration, 4);
  assert.ok(s.conditions!.every((c) => c.observedGeneration === 4 && c.reason && c.message));
  assert.deepEqual(s.edges, { replicas: 2, ready: 2, readyText: '2/2', selector: 'x=y', prefixes: [0, 1] });
});

test('lastTransitionTime moves only when a condition flips', () => {
  const first = computeStatus({ node: node(), version: 'v', now: 'T1', workloads: [w('a', 0)], edges });
  const second = computeStatus({ node: node(first), version: 'v', now: 'T2', workloads: [w('a', 0)], edges });
  assert.equal(second.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime, 'T1');
  assert.ok(sameStatus(first, second));
  const third = computeStatus({ node: node(second), version: 'v', now: 'T3', workloads: [w('a', 1)], edges });
  assert.equal(third.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime, 'T3');
  assert.ok(!sameStatus(second, third));
});

test('an apply error is Degraded and not Synced, with the error as message', () => {
  const s = computeStatus({ node: node(), version: 'v', now: 'T', error: 'forbidden', workloads: [w('a', 1)], edges });
  const synced = s.conditions!.find((c) => c.type === 'Synced')!;
  assert.equal(synced.status, 'False');
  assert.equal(synced.message, 'forbidden');
  assert.equal(s.conditions!.find((c) => c.type === 'Degraded')!.status, 'True');
  assert.equal(s.conditions!.find((c) => c.type === 'Ready')!.status, 'False');
});

test('a rollout in flight is Progressing, not Degraded', () => {
  const s = computeStatus({ node: node(), version: 'v', now: 'T', workloads: [w('a', 0, 1, false)], edges });
  assert.equal(s.conditions!.find((c) => c.type === 'Progressing')!.status, 'True');
  assert.equal(s.conditions!.find((c) => c.type === 'Degraded')!.status, 'False');
});

test('pool figures from the reference JSON', () => {
  const f = poolFigures(
    { miner_hash_rates: { a: 1, b: 2 }, shares: { total: 42, orphan: 0, dead: 0 }, peers: { incoming: 1, outgoing: 2 } },
    { pool_hash_rate: 1_234_567 },
    { type_name: 'PaddingBugfixShare' },
  );
  assert.deepEqual(f, { miners: 2, hashrateHps: 1_234_567, hashrate: '1.23 MH/s', sharechainHeight: 42, peers: 3, shareVersion: 35 });
  assert.equal(formatHashrate(950), '950 H/s');
  assert.deepEqual(poolFigures(null, null), {});
});
