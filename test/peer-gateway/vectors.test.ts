// docs/protocol.md §11.3 / test/vectors/prim.json `p2p_messages`: every payload and frame encodes and decodes byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NETWORKS, encodeHeader, hexToU256 } from '../../services/core/index.ts';
import { encodeFrame, FrameDecoder, type FrameEvent } from '../../services/peer-gateway/framing.ts';
import * as m from '../../services/peer-gateway/messages/index.ts';
import { loadVector } from '../../services/core/testing/vectors.ts';

const prim = loadVector('prim.json');
const V = prim.p2p_messages as Record<string, { payload: string; frame?: string; fields?: unknown }>;
const PREFIX = NETWORKS.bitcoin!.PREFIX;
const hex = (b: Buffer) => b.toString('hex');

function decodeFrames(bytes: Buffer): FrameEvent[] {
  const out: FrameEvent[] = [];
  new FrameDecoder(PREFIX, 32_000_000, (e) => out.push(e)).push(bytes);
  return out;
}

const BEST = hexToU256('001c6af2c9ba8692c6693589ed0f66b122d994be9dbf575b05e60fa1ae9dfc66');
const version = {
  version: 3501,
  services: 0n,
  addrTo: { services: 0n, host: '10.0.0.2', port: 9333 },
  addrFrom: { services: 0n, host: '10.0.0.1', port: 51234 },
  nonce: 0x0123456789abcdefn,
  subVersion: '77.0.0-12-g5493200',
  mode: 1,
  bestShareHash: BEST,
};

test('version: payload and full frame', () => {
  assert.equal(hex(m.version.encode(version)), V.version!.payload);
  assert.equal(hex(encodeFrame(PREFIX, 'version', m.version.encode(version))), V.version!.frame);
  assert.deepEqual(m.version.decode(Buffer.from(V.version!.payload, 'hex')), version);
  const ev = decodeFrames(Buffer.from(V.version!.frame!, 'hex'))[0]!;
  assert.equal(ev!.kind, 'frame');
  assert.equal(ev!.kind === 'frame' && ev.command, 'version');
  assert.equal(ev!.kind === 'frame' && hex(ev.payload), V.version!.payload);
});

test('version with best_share_hash None', () => {
  const v = { ...version, bestShareHash: null };
  assert.equal(hex(m.version.encode(v)), V.version_no_best!.payload);
  assert.deepEqual(m.version.decode(Buffer.from(V.version_no_best!.payload, 'hex')), v);
});

test('ping: empty payload and its frame', () => {
  assert.equal(hex(m.ping.encode()), '');
  assert.equal(hex(encodeFrame(PREFIX, 'ping', m.ping.encode())), V.ping!.frame);
  const ev = decodeFrames(Buffer.from(V.ping!.frame!, 'hex'))[0]!;
  assert.deepEqual(ev!.kind === 'frame' && [ev.command, ev.payload.length], ['ping', 0]);
});

test('addrme, getaddrs, addrs', () => {
  assert.equal(hex(m.addrme.encode({ port: 9333 })), V.addrme!.payload);
  assert.deepEqual(m.addrme.decode(Buffer.from(V.addrme!.payload, 'hex')), { port: 9333 });
  assert.equal(hex(m.getaddrs.encode({ count: 8 })), V.getaddrs!.payload);
  assert.deepEqual(m.getaddrs.decode(Buffer.from(V.getaddrs!.payload, 'hex')), { count: 8 });
  const addrs = { addrs: [{ timestamp: 1600000000n, address: { services: 0n, host: '192.0.2.7', port: 9333 } }] };
  assert.equal(hex(m.addrs.encode(addrs)), V.addrs!.payload);
  assert.deepEqual(m.addrs.decode(Buffer.from(V.addrs!.payload, 'hex')), addrs);
});

test('addrs carries IPv6 addresses (docs/protocol.md §11.1 IPV6AddressType)', () => {
  const a = { addrs: [{ timestamp: 1n, address: { services: 3n, host: '2001:db8::ff00:42:8329', port: 9333 } }] };
  const p = m.addrs.encode(a);
  assert.equal(hex(p.subarray(1 + 8 + 8, 1 + 8 + 8 + 16)), '20010db8000000000000ff0000428329');
  assert.deepEqual(m.addrs.decode(p), a);
});

test('sharereq and sharereply(too long)', () => {
  const req = { id: 0x42n, hashes: [BEST], parents: 10, stops: [] };
  assert.equal(hex(m.sharereq.encode(req)), V.sharereq!.payload);
  assert.deepEqual(m.sharereq.decode(Buffer.from(V.sharereq!.payload, 'hex')), req);
  assert.equal(hex(m.sharereply.encode({ id: 0x42n, result: 'too long', packed: [] })), V.sharereply_too_long!.payload);
  assert.deepEqual(m.sharereply.decode(Buffer.from(V.sharereply_too_long!.payload, 'hex')), { id: 0x42n, result: 'too long', shares: [] });
});

test('have_tx, and the other tx-hash lists share its layout', () => {
  assert.equal(hex(m.haveTx.encode({ txHashes: [1n, 2n] })), V.have_tx!.payload);
  for (const c of [m.haveTx, m.losingTx, m.forgetTx])
    assert.deepEqual(c.decode(Buffer.from(V.have_tx!.payload, 'hex')), { txHashes: [1n, 2n] });
});

test('bestblock: the 80-byte header round-trips', () => {
  const d = m.bestblock.decode(Buffer.from(V.bestblock!.payload, 'hex'));
  assert.equal(hex(m.bestblock.encode(d)), V.bestblock!.payload);
  assert.equal(hex(encodeHeader(d.header)), V.bestblock!.payload);
});

test('remember_tx keeps full transactions byte for byte', () => {
  // A minimal non-witness tx: version 1, one input, one output, locktime 0.
  const tx = Buffer.from(
    '01000000' + '01' + '11'.repeat(32) + '00000000' + '00' + 'ffffffff' + '01' + '0100000000000000' + '00' + '00000000',
    'hex',
  );
  const p = m.rememberTx.encode({ txHashes: [7n], txs: [tx] });
  const d = m.rememberTx.decode(p);
  assert.deepEqual(d.txHashes, [7n]);
  assert.equal(hex(d.txs[0]!), hex(tx));
});

test('trailing bytes and short payloads are decode errors', () => {
  assert.throws(() => m.getaddrs.decode(Buffer.from('0800000000', 'hex')), /trailing/);
  assert.throws(() => m.addrme.decode(Buffer.from('75', 'hex')), /addrme.port/);
  assert.throws(() => m.sharereply.decode(Buffer.from('42'.padEnd(64, '0') + '07' + '00', 'hex')), /unknown result/);
});
