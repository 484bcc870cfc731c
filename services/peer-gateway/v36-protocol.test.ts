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
  assert.equal(
    raisedMinimumProtocolVersion(
      net,
      3301,
      s,
      new Map([
        [36, 94n],
        [35, 6n],
      ]),
      true,
    ),
    3301,
  );
});

test('on V36 networks an unparseable share is skipped; an invalid PoW still counts as misbehaviour', async () => {
  const { loadShares } = await import('./messages/share-list.ts');
  const { PeerMisbehavingError } = await import('./errors.ts');
  const net = easyNetwork({ chainLength: 20, lookbehind: 10, lineage: 'V36', version: 36, pow: 'scrypt' });
  const [good] = buildChain(net, { count: 1, desiredVersion: 36 }).shares;
  const peer = { addr: '127.0.0.2:9326', node: { net, nowSeconds: () => 1 } } as never;
  const contents = good!.packedContents;
  const out = loadShares(peer, [
    { type: 37, contents },
    { type: 36, contents: contents.subarray(0, 20) },
    { type: 36, contents },
  ]);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.hash, good!.hash);
  // Change min_header.previous_block until the PoW no longer meets the share target (easy: about half do).
  const { parseShare } = await import('../core/index.ts');
  let badPow: Buffer | null = null;
  for (let k = 1; k < 256 && !badPow; k++) {
    const c = Buffer.from(contents);
    c[2]! ^= k;
    try {
      parseShare(net, 36, c);
    } catch (e) {
      if ((e as { rule?: string }).rule === 'pow') badPow = c;
    }
  }
  assert.ok(badPow);
  assert.throws(
    () => loadShares(peer, [{ type: 36, contents: badPow! }]),
    (e: unknown) => e instanceof PeerMisbehavingError,
  );
});
