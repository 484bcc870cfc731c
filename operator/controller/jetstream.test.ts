import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketName, streamName } from '../../services/bus/subjects.ts';
import { natsPrefixFor } from '../render/node.ts';
import { ownsStream } from './jetstream.ts';

test('a node owns exactly the streams and KV buckets of its bus prefix', () => {
  const mine = natsPrefixFor('pool', 'ltc');
  const other = natsPrefixFor('pool', 'ltc2');
  assert.ok(ownsStream(mine, streamName(mine, 'SHARES_LITECOIN_REGTEST')));
  assert.ok(ownsStream(mine, `KV_${bucketName(mine, 'vardiff')}`));
  assert.ok(!ownsStream(mine, streamName(other, 'SHARES_LITECOIN_REGTEST')));
  assert.ok(!ownsStream(mine, `KV_${bucketName(other, 'vardiff')}`));
  assert.ok(!ownsStream(mine, 'P2POOL_SHARES_LITECOIN'));
});
