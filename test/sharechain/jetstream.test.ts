// The cluster store on a real nats-server with JetStream: shares acknowledged by append() are back
// after the sharechain restarts, and after nats-server itself is killed and restarted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NatsServer } from '../cluster/nats-server.ts';
import { NatsBus } from '../../services/bus/nats.ts';
import { buildChain, easyNetwork, testAddresses } from '../../services/core/testing/chain-builder.ts';
import { Sharechain } from '../../services/sharechain/sharechain.ts';
import { BusShareStore, shareStreamFor } from '../../services/sharechain/store/bus-store.ts';

const CL = 40;
const net = easyNetwork({ chainLength: CL, lookbehind: 10 });
const chain = buildChain(net, { count: 100 }).shares;

async function node(bus: NatsBus): Promise<Sharechain> {
  const sc = new Sharechain({
    net,
    store: new BusShareStore(bus, net),
    thinkIntervalMs: 0,
    payout: { address: testAddresses(net, 1)[0]!, workerFeePercent: 0, donationPercent: 0 },
  });
  await sc.start();
  return sc;
}

test('JetStream store: acknowledged shares and the best share survive a sharechain restart and a NATS kill', {
  timeout: 60_000,
}, async () => {
  const nats = await NatsServer.start();
  try {
    let bus = await NatsBus.connect({ url: nats.url, prefix: 'sctest' });
    let sc = await node(bus);
    assert.equal(sc.tracker.size, 0);
    // In several concurrent batches, as peers and local miners deliver them.
    await Promise.all([sc.addShares(chain.slice(0, 50), { peer: 'a:1' }), sc.addShares(chain.slice(50, 80), { peer: 'b:1' })]);
    for (const s of chain.slice(80)) await sc.submitLocal(s, { miner: 'm' });
    const best = sc.bestShareHash();
    assert.equal(best, chain.at(-1)!.hash);
    await sc.stop();
    await bus.drain();

    // Restart the sharechain: everything is replayed from the stream, verified marks included.
    bus = await NatsBus.connect({ url: nats.url, prefix: 'sctest' });
    sc = await node(bus);
    assert.equal(sc.tracker.size, chain.length);
    assert.equal(sc.bestShareHash(), best);
    assert.ok(sc.tracker.verified.size >= CL);
    assert.deepEqual(sc.syncStatus().dropped, []);
    await sc.stop();
    await bus.drain();

    // Kill nats-server (SIGKILL) and start it on the same store: acknowledged means on its disk.
    await nats.kill();
    await nats.restart();
    bus = await NatsBus.connect({ url: nats.url, prefix: 'sctest' });
    sc = await node(bus);
    assert.equal(sc.tracker.size, chain.length);
    assert.equal(sc.bestShareHash(), best);
    // A re-sent share is a duplicate by message id, not a second copy.
    await new BusShareStore(bus, net).append([{ kind: 'share', hash: chain[0]!.hash, packed: chain[0]!.pack() }]);
    const again = await new BusShareStore(bus, net).load({});
    assert.equal(again.shares.length, chain.length);
    assert.match(shareStreamFor(net).spec.name, /^SHARES_EASY_SHA256D_40$/);
    await sc.stop();
    await bus.drain();
  } finally {
    await nats.stop();
  }
});
