// Bench nodes: gateways around the minimal sharechain on loopback, optionally preloaded with the
// cached 2×CHAIN_LENGTH mainnet-shaped chain (bench/core/chain-cache.ts).
import { parseWrappedShare, type Network, type Share } from '../../services/core/index.ts';
import { PeerGateway, type PeerGatewayOptions } from '../../services/peer-gateway/gateway.ts';
import { MiniSharechain } from '../../services/peer-gateway/testing/mini-sharechain.ts';
import { benchChain, benchNetwork } from '../core/chain-cache.ts';

export interface BenchNode {
  chain: MiniSharechain;
  gw: PeerGateway;
  addr: string;
}

/** The chain's clock, advanced by the benches as they mine (shares stamped > now + 600 s are invalid). */
export interface Clock {
  now: number;
}

export function loadBenchChain(): { net: Network; shares: Share[]; clock: Clock } {
  const net = { ...benchNetwork('sha256d'), BOOTSTRAP_ADDRS: [] };
  const shares = benchChain('sha256d').map((b) => parseWrappedShare(net, b));
  return { net, shares, clock: { now: shares[shares.length - 1]!.timestamp + 60 } };
}

export async function startBenchNode(
  net: Network,
  time: Clock,
  opts: Partial<PeerGatewayOptions> = {},
  preload?: Share[],
  salt = 1,
): Promise<BenchNode> {
  const clock = () => time.now;
  const chain = new MiniSharechain(net, { now: clock, salt });
  if (preload) chain.load(preload);
  const gw = new PeerGateway({
    net,
    source: chain,
    port: 0,
    listen: ['127.0.0.1'],
    bootstrap: false,
    now: clock,
    maxIncomingPerGroup: 64,
    advertise: false,
    ...opts,
    timings: { connectIntervalMs: 50, downloadIdleMs: 50, ...opts.timings },
  });
  chain.attach(gw);
  await gw.start();
  return { chain, gw, addr: `127.0.0.1:${gw.listenAddressPort}` };
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
