import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkQueue } from './queue.ts';

test('adds of a queued key merge; keys come out in order', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  q.close();
});

test('a key is never handed out twice at once: an add while processing comes back after done', async () => {
  const q = new WorkQueue();
  q.add('a');
  const k = await q.get();
  assert.equal(k, 'a');
  q.add('a');
  assert.equal(q.length, 0, 'not queued while a worker holds it');
  q.done('a');
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'a');
  q.close();
});

test('a waiting worker gets the next added key; close releases waiters with null', async () => {
  const q = new WorkQueue();
  const p = q.get();
  q.add('x');
  assert.equal(await p, 'x');
  const p2 = q.get();
  q.close();
  assert.equal(await p2, null);
});

test('per-key exponential backoff, capped, reset by forget', () => {
  const timers: { fn: () => void; ms: number }[] = [];
  const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 100, setTimer: (fn, ms) => timers.push({ fn, ms }), clearTimer: () => undefined });
  assert.deepEqual([q.retry('a'), q.retry('a'), q.retry('a'), q.retry('a'), q.retry('a')], [10, 20, 40, 80, 100]);
  assert.equal(q.retry('b'), 10, 'another key has its own backoff');
  q.forget('a');
  assert.equal(q.backoff('a'), 10);
  timers.at(-1)!.fn();
  assert.equal(q.length, 1);
  q.close();
});
