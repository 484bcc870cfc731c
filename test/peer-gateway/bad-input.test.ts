// Bad input gets the reference's treatment (docs/protocol.md §3.1, §3.4, §3.7, §3.8): ignored, disconnected or
// banned, logged with the reason, while the node keeps serving a good peer. Each attacker connects
// from its own loopback address so a ban on it leaves the others (and 127.0.0.1, never banned) alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ShareTracker, parseShare, ShareRuleError, encodeWrapper, type Share } from '../../services/core/index.ts';
import { buildChain } from '../../services/core/testing/chain-builder.ts';
import { encodeFrame } from '../../services/peer-gateway/framing.ts';
import * as m from '../../services/peer-gateway/messages/index.ts';
import { regtestNet, startNode, waitFor, converged, RawPeer, T0, type TestNode } from './helpers.ts';

const net = regtestNet(20);
let victim: TestNode;
let good: TestNode;
const bans: { host: string; reason: string }[] = [];
const logs: { msg: string; fields?: Record<string, unknown> }[] = [];
let nextHost = 20;
const attackerHost = () => `127.0.0.${nextHost++}`;

before(async () => {
  const log = {
    debug() {},
    info() {},
    warn: (msg: string, fields?: Record<string, unknown>) => logs.push({ msg, fields }),
    error: (msg: string, fields?: Record<string, unknown>) => logs.push({ msg, fields }),
  };
  victim = await startNode(net, 'victim', { log, timings: { handshakeMs: 800, sharereqMs: 800 } });
  victim.gw.on('ban', (b: { host: string; reason: string }) => bans.push(b));
  victim.chain.mine(5);
  good = await startNode(net, 'good', { connect: [victim.addr] });
  await waitFor('good node synced', () => good.chain.best === victim.chain.best);
});

after(async () => {
  await good.gw.stop();
  await victim.gw.stop();
});

/** Connect from a fresh loopback address and complete the handshake. */
async function handshaken(host = attackerHost(), best: bigint | null = null): Promise<{ p: RawPeer; host: string }> {
  const p = await RawPeer.connect(net, victim.port, host);
  p.sendVersion(best);
  await p.expect('ping'); // the node's first ping follows its acceptance of our version
  return { p, host };
}

function bannedFor(host: string): string | undefined {
  return bans.find((b) => b.host === host)?.reason;
}

/** The victim still answers: a sharereq round trip on a fresh connection from 127.0.0.1. */
async function stillServing(): Promise<void> {
  const p = await RawPeer.connect(net, victim.port, '127.0.0.1');
  p.sendVersion();
  await p.expect('ping');
  p.send('sharereq', m.sharereq.encode({ id: 5n, hashes: [victim.chain.best!], parents: 1, stops: [] }));
  const reply = m.sharereply.decode((await p.expect('sharereply')).payload);
  assert.equal(reply.result, 'good');
  assert.equal(reply.shares.length, 2);
  p.close();
}

test('a truncated frame is held until the rest arrives; nothing is dropped or banned', async () => {
  const { p, host } = await handshaken();
  const frame = encodeFrame(net.PREFIX, 'getaddrs', m.getaddrs.encode({ count: 8 }));
  p.raw(frame.subarray(0, 17));
  await stillServing();
  assert.equal(p.closed, false);
  p.raw(frame.subarray(17));
  await p.expect('addrs');
  assert.equal(bannedFor(host), undefined);
  p.close();
});

test('a wrong checksum bans the host (score² from 3600 s) and later connections from it are refused', async () => {
  const { p, host } = await handshaken();
  const frame = encodeFrame(net.PREFIX, 'ping', Buffer.alloc(0));
  frame[24]! ^= 0xff;
  p.raw(frame);
  await p.closedP;
  assert.match(bannedFor(host)!, /invalid checksum/);
  assert.ok(victim.gw.bans.isBanned(host, Date.now()));
  const again = await RawPeer.connect(net, victim.port, host);
  await again.closedP;
  assert.equal(again.frames.length, 0, 'refused before any version');
  assert.ok(
    logs.some((l) => l.msg === 'peer banned' && l.fields?.peer?.toString().startsWith(host) && /checksum/.test(String(l.fields?.reason))),
  );
});

test('a wrong prefix is never recognised: no version, so the handshake times out (no ban)', async () => {
  const host = attackerHost();
  const p = await RawPeer.connect(net, victim.port, host);
  const other = Buffer.from('0102030405060708', 'hex');
  p.raw(
    encodeFrame(
      other,
      'version',
      m.version.encode({
        version: 3501,
        services: 0n,
        addrTo: { services: 0n, host: '127.0.0.1', port: 1 },
        addrFrom: { services: 0n, host: '127.0.0.1', port: 1 },
        nonce: 99n,
        subVersion: 'x',
        mode: 1,
        bestShareHash: null,
      }),
    ),
  );
  await p.closedP;
  assert.equal(
    p.frames.some((f) => f.command === 'ping'),
    false,
  );
  assert.equal(bannedFor(host), undefined);
});

test('an oversize length is dropped and the stream resynchronises (reference: ignored)', async () => {
  const { p, host } = await handshaken();
  const before = victim.gw.getStats().framesDropped.oversize;
  const header = encodeFrame(net.PREFIX, 'shares', Buffer.alloc(0)).subarray(0, 28);
  header.writeUInt32LE(0xffffffff, 20);
  p.raw(header);
  p.raw(encodeFrame(net.PREFIX, 'getaddrs', m.getaddrs.encode({ count: 1 })));
  await p.expect('addrs');
  assert.equal(victim.gw.getStats().framesDropped.oversize, before + 1);
  assert.equal(p.closed, false);
  assert.equal(bannedFor(host), undefined);
  p.close();
});

test('an unknown command is ignored', async () => {
  const { p, host } = await handshaken();
  const before = victim.gw.getStats().framesDropped.unknownCommand;
  p.send('xyzzy', Buffer.from('hello'));
  p.send('getaddrs', m.getaddrs.encode({ count: 1 }));
  await p.expect('addrs');
  assert.equal(victim.gw.getStats().framesDropped.unknownCommand, before + 1);
  assert.equal(bannedFor(host), undefined);
  p.close();
});

test('a payload that does not decode disconnects without a ban', async () => {
  const { p, host } = await handshaken();
  p.send('getaddrs', Buffer.from('0800', 'hex'));
  await p.closedP;
  assert.equal(bannedFor(host), undefined);
});

test('a first message other than version is misbehaviour: ban', async () => {
  const host = attackerHost();
  const p = await RawPeer.connect(net, victim.port, host);
  p.send('ping', Buffer.alloc(0));
  await p.closedP;
  assert.match(bannedFor(host)!, /first message was not version/);
});

test('a peer below the minimum protocol version is banned ("peer too old")', async () => {
  const host = attackerHost();
  const p = await RawPeer.connect(net, victim.port, host);
  p.sendVersion(null, 3000);
  await p.closedP;
  assert.match(bannedFor(host)!, /peer too old/);
});

function chainCopy(): ShareTracker {
  const t = new ShareTracker();
  const best = victim.chain.best!;
  t.addMany([...victim.chain.tracker.getChain(best, victim.chain.tracker.getHeight(best))]);
  return t;
}

test('a share whose PoW fails at parse time is misbehaviour: ban', async () => {
  const { shares } = buildChain(net, { count: 1, tracker: chainCopy(), parent: victim.chain.best, salt: 777, startTime: T0 });
  const contents = Buffer.from(shares[0]!.packedContents);
  // min_header: version VarInt (5 bytes for 0x20000000), previous_block 32, timestamp 4, bits 4, nonce 4.
  for (let n = 1; ; n++) {
    contents.writeUInt32LE(n, 45);
    try {
      parseShare(net, shares[0]!.type, contents);
    } catch (e) {
      if (e instanceof ShareRuleError && e.rule === 'pow') break;
    }
  }
  const { p, host } = await handshaken();
  p.send('shares', m.shares.encode({ packed: [encodeWrapper(shares[0]!.type, contents)] }));
  await p.closedP;
  assert.match(bannedFor(host)!, /invalid share: share PoW invalid/);
  assert.equal(victim.chain.tracker.has(shares[0]!.hash), false);
});

test('a share that parses but fails verification is dropped and its sender banned', async () => {
  // Mined on the victim's best, but stamped far in the future: check() rejects it (JT 600 s rule).
  const { shares } = buildChain(net, { count: 1, tracker: chainCopy(), parent: victim.chain.best, salt: 778, startTime: T0 + 10_000_000 });
  const bad: Share = shares[0]!;
  const bestBefore = victim.chain.best;
  const { p, host } = await handshaken();
  p.send('shares', m.shares.encode({ packed: [bad.pack()] }));
  await p.closedP;
  assert.match(bannedFor(host)!, /failed verification/);
  assert.equal(victim.chain.tracker.has(bad.hash), false, 'removed from the tracker');
  assert.equal(victim.chain.best, bestBefore);
  assert.ok(victim.chain.invalid.some((i) => i.hash === bad.hash && /future/.test(i.reason)));
});

test('a gateway that reaches another pod of its node (same nonce) forgets the address and bans nobody', async () => {
  const nonce = 0x7e57n;
  const oldPod = await startNode(net, 'old-pod', { nonce, listen: ['127.0.0.9'] });
  const newPod = await startNode(net, 'new-pod', { nonce, listen: ['127.0.0.8'] });
  const newPodBans: string[] = [];
  newPod.gw.on('ban', (b: { host: string }) => newPodBans.push(b.host));
  try {
    newPod.gw.addrs.seen('127.0.0.9', oldPod.port, 0n, Math.floor(Date.now() / 1000));
    await waitFor('the old pod forgotten', () => newPod.gw.addrs.get('127.0.0.9', oldPod.port) === undefined, 10_000);
    assert.deepEqual(newPodBans, []);
  } finally {
    await newPod.gw.stop();
    await oldPod.gw.stop();
  }
});

test('a peer that never answers sharereq is dropped after the timeout and banned (30 s · score²)', async () => {
  const unknown = 0xabcdefn << 200n;
  const { p, host } = await handshaken(attackerHost(), unknown);
  const req = m.sharereq.decode((await p.expect('sharereq')).payload);
  assert.deepEqual(req.hashes, [unknown]);
  assert.equal(req.parents, 0);
  await p.closedP;
  assert.match(bannedFor(host)!, /share request failed: share request timed out/);
});

test('our own nonce is a self-connection and a nonce already connected a duplicate: both closed, neither banned', async () => {
  const self = attackerHost();
  const p = await RawPeer.connect(net, victim.port, self);
  p.sendVersion(null, 3501, victim.gw.nonce);
  await p.closedP;
  assert.equal(bannedFor(self), undefined, 'a pod of the same node (shared nonce) is not banned');
  const nonce = 0x5151n;
  const { p: first } = await (async () => {
    const q = await RawPeer.connect(net, victim.port, attackerHost());
    q.sendVersion(null, 3501, nonce);
    await q.expect('ping');
    return { p: q };
  })();
  const dupHost = attackerHost();
  const dup = await RawPeer.connect(net, victim.port, dupHost);
  dup.sendVersion(null, 3501, nonce);
  await dup.closedP;
  assert.equal(bannedFor(dupHost), undefined);
  assert.equal(first.closed, false);
  first.close();
});

test('a silent peer is dropped by the idle timeout, without a ban', async () => {
  const quiet = await startNode(net, 'quiet', { timings: { idleMs: 300 } });
  try {
    const host = attackerHost();
    const p = await RawPeer.connect(net, quiet.port, host);
    p.sendVersion();
    await p.expect('ping');
    await p.closedP;
    assert.equal(quiet.gw.bans.isBanned(host, Date.now()), false);
  } finally {
    await quiet.gw.stop();
  }
});

test('after all that, the node still relays to its good peer', async () => {
  await stillServing();
  good.chain.mine(1);
  await waitFor('victim follows the good node', () => converged([victim, good], good.chain.best));
  victim.chain.mine(1);
  await waitFor('good node follows the victim', () => converged([victim, good], victim.chain.best));
  assert.equal(victim.gw.peers().filter((p) => p.subVersion === 'test-good').length, 1);
});
