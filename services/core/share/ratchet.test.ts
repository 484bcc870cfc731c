// The mint-side v35 → v36 decision: activation only with a full window of ≥ 95 % YES votes from two
// other origins and a passing accept rule; hysteresis; confirmation; never a share peers reject.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChain, easyNetwork } from '../testing/chain-builder.ts';
import { VersionRatchet } from './ratchet.ts';
import type { Share } from './share.ts';

const net = easyNetwork({ chainLength: 20, lookbehind: 10, lineage: 'V36', version: 35, pow: 'scrypt' });

function fromPeers(shares: Share[], peers: string[]): void {
  shares.forEach((s, i) => {
    s.peerAddr = peers[i % peers.length] ?? null;
  });
}

test('a self-authored supermajority does not activate; two other origins do', () => {
  const { tracker, shares } = buildChain(net, { count: 30, desiredVersion: 36 });
  const tip = shares.at(-1)!.hash;
  const r = new VersionRatchet();
  const alone = r.decide(tracker, net, tip);
  assert.equal(alone.version, 35);
  assert.equal(alone.state, 'voting');
  assert.match(alone.reason, /0 other origin/);
  fromPeers(shares, ['10.0.0.1:9326', '10.0.0.1:9999']);
  assert.equal(r.decide(tracker, net, tip).version, 35, 'one host on two ports is one origin');
  fromPeers(shares, ['10.0.0.1:9326', '10.0.0.2:9326', null as unknown as string]);
  const d = r.decide(tracker, net, tip);
  assert.equal(d.version, 36);
  assert.equal(d.state, 'activated');
  assert.equal(d.origins, 2);
});

test('votes below 95 % or a partial window keep voting; below 50 % deactivates (hysteresis)', () => {
  const few = buildChain(net, { count: 10, desiredVersion: 36 });
  fromPeers(few.shares, ['10.0.0.1:1', '10.0.0.2:1']);
  assert.match(new VersionRatchet().decide(few.tracker, net, few.shares.at(-1)!.hash).reason, /not full/);
  const mixed = buildChain(net, { count: 30, desiredVersion: 35 });
  fromPeers(mixed.shares, ['10.0.0.1:1', '10.0.0.2:1']);
  const r = new VersionRatchet();
  assert.equal(r.decide(mixed.tracker, net, mixed.shares.at(-1)!.hash).version, 35);
  // An activated node on a chain whose votes fell to 0 % goes back to voting.
  const yes = buildChain(net, { count: 30, desiredVersion: 36 });
  fromPeers(yes.shares, ['10.0.0.1:1', '10.0.0.2:1']);
  assert.equal(r.decide(yes.tracker, net, yes.shares.at(-1)!.hash).state, 'activated');
  const d = r.decide(mixed.tracker, net, mixed.shares.at(-1)!.hash);
  assert.equal(d.state, 'voting');
  assert.equal(d.version, 35);
  assert.throws(() => new VersionRatchet({ activatePercent: 60, deactivatePercent: 60 }));
});

test('confirmed after 2·CHAIN_LENGTH shares at ≥ 95 % v36', () => {
  const v36net = easyNetwork({ chainLength: 20, lookbehind: 10, lineage: 'V36', version: 36, pow: 'scrypt' });
  const { tracker, shares } = buildChain(v36net, { count: 70, desiredVersion: 36 });
  fromPeers(shares, ['10.0.0.1:1', '10.0.0.2:1']);
  const r = new VersionRatchet();
  const d = r.decide(tracker, v36net, shares.at(-1)!.hash);
  assert.equal(d.state, 'confirmed');
  assert.equal(d.version, 36);
});

test('without the origin guard it decides as the reference did on the switch vector, share by share', async () => {
  const { loadVector } = await import('../testing/vectors.ts');
  const { networkFromDocument } = await import('../networks/index.ts');
  const { parseWrappedShare } = await import('./share.ts');
  const { ShareTracker } = await import('../tracker/share-tracker.ts');
  const v = loadVector('v35-to-v36-switch.json');
  const vnet = networkFromDocument(v);
  const tracker = new ShareTracker();
  const r = new VersionRatchet({ minOrigins: 0 });
  const classVersion: Record<string, number> = { PaddingBugfixShare: 35, MergedMiningShare: 36 };
  let prev: bigint | null = null;
  for (const s of v.shares) {
    const log = v.ratchet_log.find((x: any) => x.index === s.index);
    const d = r.decide(tracker, vnet, prev);
    assert.equal(d.version, classVersion[log.ratchet_class], `share ${s.index}: ${d.reason}`);
    assert.equal(d.state, log.ratchet_state_after, `share ${s.index} state`);
    const sh = parseWrappedShare(vnet, Buffer.from(s.packed_share_hex, 'hex'));
    tracker.add(sh);
    prev = sh.hash;
  }
});

test('a snapshot restores the state; malformed ones are refused', () => {
  const r = new VersionRatchet();
  r.state = 'activated';
  r.confirmCount = 17;
  const again = new VersionRatchet();
  assert.equal(again.restore(JSON.parse(JSON.stringify(r.snapshot()))), true);
  assert.deepEqual(again.snapshot(), r.snapshot());
  const fresh = new VersionRatchet();
  assert.equal(fresh.restore({ state: 'bogus' }), false);
  assert.equal(fresh.restore(null), false);
  assert.equal(fresh.state, 'voting');
});
