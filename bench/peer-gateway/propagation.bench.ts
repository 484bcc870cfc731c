// Share propagation on loopback through A → B → C, each node holding the mainnet-sized chain
// (CHAIN_LENGTH 8,640; 17,280 shares): from the bytes of a new share arriving at B to B having
// parsed, verified (check() against its 8,640-share PPLNS window), chosen it as best and written it
// to C (`relay`), and to it arriving at C (`hop`).
import type { SharesEvent } from '../../services/peer-gateway/gateway.ts';
import { loadBenchChain, startBenchNode, waitFor, percentile } from './nodes.ts';

const ROUNDS = 300;
const { net, shares, clock } = loadBenchChain();
const a = await startBenchNode(net, clock, {}, shares, 1);
const b = await startBenchNode(net, clock, { connect: [a.addr] }, shares, 2);
const c = await startBenchNode(net, clock, { connect: [b.addr] }, shares, 3);
await waitFor(() => a.gw.peers().length === 1 && b.gw.peers().length === 2 && c.gw.peers().length === 1, 10_000, 'A–B–C connected');

const arrivedB = new Map<bigint, number>();
const relayedB = new Map<bigint, number>();
const arrivedC = new Map<bigint, number>();
b.gw.on('shares', (e: SharesEvent) => {
  const t = performance.now();
  for (const s of e.shares) {
    arrivedB.set(s.hash, e.receivedAt);
    relayedB.set(s.hash, t);
  }
});
c.gw.on('shares', (e: SharesEvent) => {
  for (const s of e.shares) arrivedC.set(s.hash, e.receivedAt);
});

const relay: number[] = [];
const hop: number[] = [];
for (let i = 0; i < ROUNDS + 20; i++) {
  clock.now += net.SHARE_PERIOD;
  const [share] = a.chain.mine(1);
  const h = share!.hash;
  await waitFor(() => arrivedC.has(h) && c.chain.best === h, 10_000, `share ${i} at C`);
  if (i < 20) continue; // warm-up (JIT)
  relay.push(relayedB.get(h)! - arrivedB.get(h)!);
  hop.push(arrivedC.get(h)! - arrivedB.get(h)!);
}
for (const n of [a, b, c]) await n.gw.stop();
relay.sort((x, y) => x - y);
hop.sort((x, y) => x - y);
console.log(`share_relay_median: ${percentile(relay, 50).toFixed(3)} ms`);
console.log(`share_relay_p99: ${percentile(relay, 99).toFixed(3)} ms`);
console.log(`share_propagation_median: ${percentile(hop, 50).toFixed(3)} ms`);
console.log(`share_propagation_p99: ${percentile(hop, 99).toFixed(3)} ms`);
