// Initial sync on loopback: a new node that knows one peer holding 2×CHAIN_LENGTH (17,280) mainnet-
// shaped shares downloads them all through the reference's downloader (sharereq of a missing parent
// with 0..499 parents, one request at a time), parses and PoW-checks every one, and verifies with
// think() (which, as the reference, verifies the newest CHAIN_LENGTH shares), until it has the same
// best share.
import { loadBenchChain, startBenchNode, waitFor } from './nodes.ts';

const { net, shares, clock } = loadBenchChain();
const server = await startBenchNode(net, clock, {}, shares, 1);
const t0 = performance.now();
const fresh = await startBenchNode(net, clock, { connect: [server.addr] }, undefined, 2);
await waitFor(() => fresh.chain.best === server.chain.best && fresh.chain.tracker.size === shares.length, 120_000, 'sync');
const s = (performance.now() - t0) / 1000;
const verified = fresh.chain.tracker.verified.size;
await fresh.gw.stop();
await server.gw.stop();
console.log(`initial_sync_${shares.length}_shares: ${s.toFixed(2)} s`);
console.log(`initial_sync_rate: ${Math.round(shares.length / s)} shares/s`);
console.log(`initial_sync_verified: ${verified} shares`);
