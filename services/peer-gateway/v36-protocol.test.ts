// Protocol 3600 on V36 networks, and the V36 floor rule: v36 shares raise the minimum peer version
// to 3600 only once this node's ratchet is confirmed, so v35 peers keep connecting during the switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NETWORKS } from '../core/index.ts';
import { buildChain, easyNetwork } from '../core/testing/chain-builder.ts';
import { maxPayloadLength, protocolVersion } from './constants.ts';
import { raisedMinimumProtocolVersion } from './protocol-version.ts';

test('V36 networks advertise protocol 3600 with the JT frame limits', () => {
  assert.equal(protocolVersion(NETWORKS.litecoin!.LINEAGE), 3600);
  assert.equal(protocolVersion(NETWORKS.litecoin_testnet!.LINEAGE), 3600);
  assert.equal(protocolVersion(NETWORKS.bitcoin!.LINEAGE), 3501);
  assert.equal(maxPayloadLength('V36'), 32_000_000);
  assert.equal(NETWORKS.litecoin!.MINIMUM_PROTOCOL_VERSION, 3301);
});

test('a v36 window lifts the floor to 3600 only with a confirmed ratchet', () => {
  const net = easyNetwork({ chainLength: 20, lookbehind: 10, lineage: 'V36', version: 36, pow: 'scrypt' });
  const s = buildChain(net, { count: 1, desiredVersion: 36 }).shares[0]!;
  const all36 = new Map([[36, 100n]]);
  assert.equal(raisedMinimumProtocolVersion(net, 3301, s, all36), 3301);
  assert.equal(raisedMinimumProtocolVersion(net, 3301, s, all36, true), 3600);
  assert.equal(raisedMinimumProtocolVersion(net, 3301, s, new Map([[36, 94n], [35, 6n]]), true), 3301);
});
