// Real nodes on loopback (IPv4 and IPv6): they connect, gossip addresses, converge on the same best
// share as shares are mined on any of them, and a node started later downloads the whole chain.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { regtestNet, startNode, waitFor, converged, type TestNode } from './helpers.ts';

const nodes: TestNode[] = [];
after(async () => {
  await Promise.all(nodes.map((n) => n.gw.stop()));
});

test('three nodes converge, exchange addresses, and a late fourth node (over IPv6) syncs the whole chain', async () => {
  const net = regtestNet(20);
  // Each node has its own loopback address, so addresses learned by gossip are distinct and usable.
  const a = await startNode(net, 'A', { listen: ['127.0.0.11'], bindAddress: '127.0.0.11' });
  const b = await startNode(net, 'B', { listen: ['127.0.0.12', '::1'], bindAddress: '127.0.0.12', connect: [a.addr] });
  // C only knows B; it must learn A's address from the gossip and connect to it (outgoing desired = 2).
  const c = await startNode(net, 'C', { listen: ['127.0.0.13'], bindAddress: '127.0.0.13', connect: [b.addr], outgoing: 2 });
  nodes.push(a, b, c);
  const three = [a, b, c];

  await waitFor('A–B and B–C connected', () => a.gw.peers().length >= 1 && c.gw.peers().length >= 1 && b.gw.peers().length >= 2);

  // Shares mined on each node in turn reach the others and become everyone's best.
  a.chain.mine(3);
  await waitFor("all on A's share", () => converged(three, a.chain.best));
  b.chain.mine(2);
  await waitFor("all on B's share", () => converged(three, b.chain.best));
  c.chain.mine(2);
  await waitFor("all on C's share", () => converged(three, c.chain.best));
  assert.equal(a.chain.tracker.size, 7);
  assert.equal(a.chain.tracker.verified.size, 7, 'every share verified on A');

  // Address gossip: C learns A's listening address (addrme → addrs / getaddrs) and connects to it.
  await waitFor("C knows A's address", () => c.gw.addrs.get('127.0.0.11', a.port) !== undefined);
  await waitFor('C connected to A', () => c.gw.peers().some((p) => p.address.startsWith('127.0.0.11:')));
  assert.ok(a.gw.addrs.get('127.0.0.13', c.port), 'A learned C too');

  // A long run mined at once on one node: peers get the newest shares and download the parents.
  a.chain.mine(40);
  await waitFor('all on the 47-share tip', () => converged(three, a.chain.best));
  for (const n of three) assert.equal(n.chain.tracker.size, 47, `${n.name} holds the whole chain`);

  // A fourth node, IPv6 only, started later and knowing only B: downloads everything and converges.
  const d = await startNode(net, 'D', { listen: ['::1'], bindAddress: '::1', connect: [`[::1]:${b.port}`] });
  nodes.push(d);
  await waitFor('D synced', () => d.chain.best === a.chain.best && d.chain.tracker.size === 47);
  assert.ok(
    d.gw.peers().some((p) => p.address.startsWith('[::1]:')),
    'D talks to B over IPv6',
  );
  assert.ok(d.chain.tracker.verified.size >= net.CHAIN_LENGTH, 'D verified at least a chain length');

  // And D's own share reaches everyone.
  d.chain.mine(1);
  await waitFor("all on D's share", () => converged([a, b, c, d], d.chain.best));

  // Every peer of every node completed the handshake with our protocol version.
  for (const n of [a, b, c, d]) for (const p of n.gw.peers()) assert.equal(p.protocolVersion, 3501);
});
