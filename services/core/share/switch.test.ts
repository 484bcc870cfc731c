// The v35 → v36 switch driven by a mixed set of nodes on one share chain: legacy nodes that mint
// v35 and vote 35, and V36 nodes (each with its own ratchet and origin) that vote 36. Every share
// any of them mints must pass check() (the accept rule); the V36 nodes switch when, and only when,
// a full window votes 36 from enough other origins and the accept rule allows it, and fall back to
// v35 when the votes drop below the deactivation threshold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChain, easyNetwork } from '../testing/chain-builder.ts';
import { ShareTracker } from '../tracker/share-tracker.ts';
import { VersionRatchet } from './ratchet.ts';
import { checkShare } from './check.ts';
import { votingWindowCounts, countsTotal } from './voting.ts';

const net = easyNetwork({ chainLength: 20, lookbehind: 10, lineage: 'V36', version: 35, pow: 'scrypt' });

interface Node {
  name: string;
  legacy: boolean;
  ratchet: VersionRatchet | null;
}

test('a mixed set of nodes switches the chain to v36 when, and only when, the rule says', () => {
  const tracker = new ShareTracker();
  const node = (name: string, legacy = false): Node => ({
    name,
    legacy,
    ratchet: legacy ? null : new VersionRatchet({ selfOrigin: name }),
  });
  const [legacy1, legacy2, a, b, c] = [
    node('10.0.0.1', true),
    node('10.0.0.2', true),
    node('10.0.0.3'),
    node('10.0.0.4'),
    node('10.0.0.5'),
  ];
  let tip: bigint | null = null;
  const log: { who: string; type: number; state: string }[] = [];
  const mint = (n: Node) => {
    let version = 35;
    let state = 'legacy';
    if (n.ratchet) {
      const d = n.ratchet.decide(tracker, net, tip);
      version = d.version;
      state = d.state;
    }
    const acceptable =
      tip !== null &&
      tracker.getHeight(tip) >= net.CHAIN_LENGTH &&
      (() => {
        const w = votingWindowCounts(tracker, net, tip!);
        return (w.get(36) ?? 0n) >= (countsTotal(w) * 60n) / 100n;
      })();
    const [s] = buildChain(net, {
      count: 1,
      tracker,
      parent: tip,
      version,
      desiredVersion: n.legacy ? 35 : 36,
      peerAddr: `${n.name}:9326`,
      salt: log.length,
    }).shares;
    checkShare(tracker, s!, { now: s!.timestamp + 2 }); // every minted share is accepted by the network
    if (s!.type === 36 && tracker.get(tip!)!.type === 35)
      assert.ok(acceptable, `v36 on v35 at ${log.length} only when the accept rule allows it`);
    tip = s!.hash;
    log.push({ who: n.name, type: s!.type, state });
  };
  const round = (nodes: Node[], shares: number) => {
    for (let i = 0; i < shares; i++) mint(nodes[i % nodes.length]!);
  };

  // Half the hash rate is legacy: the V36 nodes keep minting v35 (votes < 95 %).
  round([legacy1, a, legacy2, b], 40);
  assert.ok(log.every((x) => x.type === 35));
  // One V36 node alone: a self-authored supermajority never activates it.
  round([a], 40);
  assert.ok(log.every((x) => x.type === 35));
  assert.equal(a.ratchet!.state, 'voting');
  // Two more V36 nodes join: a switches once its window shows two other origins voting 36.
  const joined = log.length;
  round([a, b, c], 60);
  const first = log.findIndex((x) => x.type === 36);
  assert.ok(first > joined, 'the switch comes after the other origins joined');
  assert.ok(first - joined <= net.CHAIN_LENGTH + 3, `switched within a window of their joining (at ${first - joined})`);
  assert.ok(log.slice(first).every((x) => x.type === 36));
  for (const n of [a, b, c]) assert.notEqual(n.ratchet!.state, 'voting');
  // Legacy nodes come back with most of the hash rate: below 50 % YES votes the V36 nodes go back to v35.
  round([legacy1, legacy2, legacy1, a], 60);
  const tail = log.slice(-8);
  assert.ok(
    tail.every((x) => x.type === 35),
    JSON.stringify(tail),
  );
  assert.equal(a.ratchet!.state === 'voting' || a.ratchet!.state === 'confirmed', true);
});
