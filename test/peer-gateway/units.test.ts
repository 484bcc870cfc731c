// The small pieces: addresses and groups, the address store, bans, fragmentation, tx relay rules,
// the rising protocol minimum, and the sharereq walk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeHost, netGroup, parseAddr, formatAddr, hostToBytes, bytesToHost } from '../../services/peer-gateway/netaddr.ts';
import { AddressStore } from '../../services/peer-gateway/addr-store.ts';
import { BanList } from '../../services/peer-gateway/bans.ts';
import { fragment } from '../../services/peer-gateway/fragment.ts';
import { TooLong } from '../../services/peer-gateway/framing.ts';
import { TxRelay } from '../../services/peer-gateway/tx-relay.ts';
import { PeerDisconnect, PeerMisbehavingError } from '../../services/peer-gateway/errors.ts';
import { raisedMinimumProtocolVersion } from '../../services/peer-gateway/protocol-version.ts';
import { serveChain, referenceStops } from '../../services/pool/share-exchange.ts';
import * as m from '../../services/peer-gateway/messages/index.ts';
import { hash256 } from '../../services/core/index.ts';
import { buildChain } from '../../services/core/testing/chain-builder.ts';
import { regtestNet } from './helpers.ts';

test('hosts: IPv4, mapped IPv4 and IPv6 normalise; groups are /16 and /48', () => {
  assert.equal(normalizeHost('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(normalizeHost('[2001:0DB8::0001]'), '2001:db8::1');
  assert.equal(bytesToHost(hostToBytes('1.2.3.4')), '1.2.3.4');
  assert.equal(hostToBytes('1.2.3.4').toString('hex'), '00000000000000000000ffff01020304');
  assert.equal(bytesToHost(hostToBytes('2001:db8::ff00:42:8329')), '2001:db8::ff00:42:8329');
  assert.equal(netGroup('10.1.2.3'), netGroup('10.1.200.9'));
  assert.notEqual(netGroup('10.1.2.3'), netGroup('10.2.2.3'));
  assert.equal(netGroup('2001:db8:1:2::1'), netGroup('2001:db8:1:ffff::9'));
  assert.notEqual(netGroup('2001:db8:1::1'), netGroup('2001:db8:2::1'));
  assert.notEqual(netGroup('2001:db8:1:2::1', 64), netGroup('2001:db8:1:3::1', 64));
  assert.deepEqual(parseAddr('1.2.3.4', 9333), { host: '1.2.3.4', port: 9333 });
  assert.deepEqual(parseAddr('1.2.3.4:99', 9333), { host: '1.2.3.4', port: 99 });
  assert.deepEqual(parseAddr('[::1]:99', 9333), { host: '::1', port: 99 });
  assert.deepEqual(parseAddr('2001:db8::1', 9333), { host: '2001:db8::1', port: 9333 });
  assert.equal(formatAddr('::1', 5), '[::1]:5');
});

test('address store: first seen kept, last seen max, capacity, good peers prefer fresh long-lived ones', () => {
  const s = new AddressStore(3);
  s.seen('1.1.1.1', 1, 0n, 100);
  s.seen('1.1.1.1', 1, 5n, 50);
  assert.deepEqual(s.get('1.1.1.1', 1), { host: '1.1.1.1', port: 1, services: 5n, firstSeen: 100, lastSeen: 100 });
  s.seen('::ffff:1.1.1.1', 1, 5n, 200);
  assert.equal(s.size, 1);
  assert.equal(s.get('1.1.1.1', 1)!.lastSeen, 200);
  s.seen('2.2.2.2', 1, 0n, 0);
  s.seen('3.3.3.3', 1, 0n, 0);
  s.seen('4.4.4.4', 1, 0n, 0);
  assert.equal(s.size, 3, 'new entries dropped when full');
  // A long-lived, just-seen entry ranks first far more often than a stale one.
  const t = new AddressStore();
  const now = 10_000_000;
  t.seen('9.9.9.9', 1, 0n, now - 1_000_000);
  t.seen('9.9.9.9', 1, 0n, now);
  t.seen('8.8.8.8', 1, 0n, now - 1_000_000);
  // Expected share: 1.69 / (1.69 + 0.59) ≈ 74 % (the two entries' log ratios, each times Exp(1)).
  let seed = 7;
  const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  let fresh = 0;
  for (let i = 0; i < 1000; i++) if (t.goodPeers(1, now, random)[0]!.host === '9.9.9.9') fresh++;
  assert.ok(fresh > 650 && fresh < 830, `fresh first ${fresh}/1000`);
});

test('bans: score² growth, localhost spared, expiry', () => {
  const b = new BanList();
  assert.equal(b.ban('127.0.0.1', 3600, 'x', 0), null);
  assert.equal(b.ban('::1', 3600, 'x', 0), null);
  assert.equal(b.ban('5.5.5.5', 30, 'x', 0)!.until, 30_000);
  assert.equal(b.ban('5.5.5.5', 30, 'x', 0)!.until, 120_000);
  assert.equal(b.ban('5.5.5.5', 30, 'x', 0)!.until, 270_000);
  assert.ok(b.isBanned('5.5.5.5', 269_999));
  assert.ok(!b.isBanned('5.5.5.5', 270_000));
});

test('fragment halves lists until each payload fits, and refuses a single oversized item', () => {
  const hashes = Array.from({ length: 100 }, (_, i) => BigInt(i + 1));
  const parts = fragment({ txHashes: hashes }, (l) => m.haveTx.encode(l), 32 * 30, 'have_tx');
  assert.ok(parts.length >= 4);
  assert.deepEqual(
    parts.flatMap((p) => m.haveTx.decode(p).txHashes),
    hashes,
  );
  assert.throws(() => fragment({ txHashes: [1n] }, (l) => m.haveTx.encode(l), 10, 'have_tx'), TooLong);
});

test('tx relay: remember_tx by hash needs a known tx, twice disconnects, over budget is misbehaviour', () => {
  const known = new Map<bigint, Buffer>();
  const tx = Buffer.from(
    '01000000' + '01' + '22'.repeat(32) + '00000000' + '00' + 'ffffffff' + '01' + '0100000000000000' + '00' + '00000000',
    'hex',
  );
  const relay = new TxRelay(
    {
      knownTx: (h) => known.get(h),
      addKnownTxs: (t) => {
        for (const [h, x] of t) known.set(h, x);
      },
    },
    1000,
  );
  assert.throws(() => relay.rememberTx([123n], []), PeerDisconnect);
  relay.rememberTx([], [tx]);
  assert.ok(known.has(hash256(tx)), 'full txs become known');
  assert.equal(relay.rememberedSize, 100 + tx.length);
  assert.throws(() => relay.rememberTx([hash256(tx)], []), PeerDisconnect);
  relay.forgetTx([hash256(tx)]);
  assert.equal(relay.rememberedSize, 0);
  assert.throws(() => relay.forgetTx([hash256(tx)]), PeerDisconnect);
  const small = new TxRelay({ knownTx: () => undefined, addKnownTxs: () => {} }, 150);
  assert.throws(() => small.rememberTx([], [tx]), PeerMisbehavingError);
  small.close();
  relay.close();
});

test('minimum protocol version rises only when ≥ 95 % of the window votes for the share version', () => {
  const net = regtestNet(20);
  const { shares } = buildChain(net, { count: 1 });
  const s = shares[0]!; // v35: class minimum 3500
  assert.equal(raisedMinimumProtocolVersion(net, 3301, s, null), 3301);
  assert.equal(
    raisedMinimumProtocolVersion(
      net,
      3301,
      s,
      new Map([
        [35, 94n],
        [34, 6n],
      ]),
    ),
    3301,
  );
  assert.equal(
    raisedMinimumProtocolVersion(
      net,
      3301,
      s,
      new Map([
        [35, 95n],
        [34, 5n],
      ]),
    ),
    3500,
  );
  assert.equal(raisedMinimumProtocolVersion(net, 3501, s, new Map([[35, 100n]])), 3501);
});

test('sharereq walk: parents+1 from each hash, stops exclusive, unknown hashes give nothing; stops of heads', () => {
  const net = regtestNet(20);
  const { tracker, shares } = buildChain(net, { count: 12 });
  const tip = shares[11]!.hash;
  assert.deepEqual(
    serveChain(tracker, [tip], 3, new Set()).map((s) => s.hash),
    [shares[11], shares[10], shares[9], shares[8]].map((s) => s!.hash),
  );
  assert.deepEqual(serveChain(tracker, [tip], 10, new Set([shares[9]!.hash])).length, 2);
  assert.deepEqual(serveChain(tracker, [1n], 10, new Set()), []);
  assert.equal(serveChain(tracker, [shares[2]!.hash], 100, new Set()).length, 3, 'not past the height');
  assert.deepEqual(referenceStops(tracker), [tip, shares[1]!.hash]);
});
