// The peer-gateway service shell: speaks the P2Pool P2P protocol to other nodes (-n, --p2pool-port,
// --max-conns). It serves the PeerGateway contract (proto/p2pool/v1/peer_gateway.proto) on the bus and
// publishes PeersChanged. Its ShareSource is the Sharechain object in the embedded default, and the
// Sharechain contract over the bus in the cluster (bus-share-source.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseWrappedShare, encodeHeader, encodeWrapper, u256FromLE, u256ToLE, type BlockHeader } from '../core/index.ts';
import { PeerGatewayDefinition, type Peer as PeerMsg, type PeerGateway as PeerGatewayContract } from '../gen/p2pool/v1/peer_gateway.ts';
import { Events } from '../bus/events.ts';
import { emit, on } from '../bus/pubsub.ts';
import type { Closer } from '../bus/types.ts';
import { bindContract, type Logic } from '../runtime/contract.ts';
import type { ServiceContext, ServiceShell } from '../runtime/host.ts';
import { LOCAL_SHARECHAIN, LOCAL_TEMPLATE_BUILDER } from '../runtime/local.ts';
import { nodeNetwork } from '../runtime/network.ts';
import { retryUntil } from '../runtime/retry.ts';
import { BusShareSource } from './bus-share-source.ts';
import { PeerGateway, type PeerInfo } from './gateway.ts';
import { peerGatewayMetrics } from './metrics.ts';

// endpoints(): the P2P port once bound.
export type PeerGatewayLogic = Logic<PeerGatewayContract> & { endpoints?(): Record<string, string> };

const DESIRED_POLL_MS = 2_000;

function peerMessage(p: PeerInfo): PeerMsg {
  return {
    address: p.address,
    incoming: p.incoming,
    protocolVersion: p.protocolVersion,
    subVersion: p.subVersion,
    connectedSinceMs: BigInt(Math.round(p.connectedSinceMs)),
    pingMs: -1,
    rememberedTxsSize: BigInt(p.rememberedTxsSize),
    bestShareHash: p.bestShareHash === null ? new Uint8Array() : u256ToLE(p.bestShareHash),
  };
}

async function loadLogic(ctx: ServiceContext): Promise<PeerGatewayLogic> {
  const { config, bus, log } = ctx;
  const net = nodeNetwork(config);
  const local = ctx.local?.get(LOCAL_SHARECHAIN);
  mkdirSync(join(config.datadir, net.NAME), { recursive: true });
  let gw: PeerGateway | undefined;
  const busSource = local
    ? undefined
    : new BusShareSource(ctx.clients.sharechain, net, {
        punish: (peer, reason) => gw?.punishPeer(peer, reason),
        desired: (list) => gw?.setDesired(list),
        debug: (msg, fields) => log.debug(msg, fields),
      });
  gw = new PeerGateway({
    net,
    source: local?.source ?? busSource!,
    port: config.p2poolPort ?? net.P2P_PORT,
    connect: config.p2poolNodes,
    maxIncoming: config.maxConns,
    ...(config.outgoingConns !== undefined ? { outgoing: config.outgoingConns } : {}),
    ...(config.externalIp !== undefined ? { externalIp: config.externalIp } : {}),
    ...(config.advertise === false ? { advertise: false } : {}),
    addrsFile: join(config.datadir, net.NAME, 'addrs.json'),
    subVersion: `p2pool-ts/${ctx.version}`,
    log,
  });
  const gateway = gw;
  let stopMetrics: (() => void) | undefined;
  // Embedded: the sharechain calls the gateway directly (broadcast, desired, punish, protocol version).
  local?.attachPeers(gateway);

  const peersChanged = (connected: PeerInfo[], disconnected: PeerInfo[]) => {
    const s = gateway.getStats();
    emit(
      bus,
      Events.peersChanged,
      { incoming: s.incoming, outgoing: s.outgoing, connected: connected.map(peerMessage), disconnected: disconnected.map(peerMessage) },
      ctx.instance,
    ).catch((e) => log.warn('publishing PeersChanged failed', { error: e }));
  };
  gateway.on('peer-connected', (p: PeerInfo) => {
    log.info('peer connected', { peer: p.address, incoming: p.incoming, version: p.subVersion });
    peersChanged([p], []);
  });
  gateway.on('peer-disconnected', (p: PeerInfo & { reason: string }) => {
    log.info('peer disconnected', { peer: p.address, reason: p.reason });
    peersChanged([], [p]);
  });
  gateway.on('ban', (b: { peer: string; reason: string }) => log.warn('peer banned', { peer: b.peer, reason: b.reason }));
  // A peer's best block ahead of our full node (docs/protocol.md §8.1): embedded, the template builder may put empty
  // work on it at once. The cluster has no contract for this shortcut yet; there the full node's own
  // new-block signal (P2P, long poll) moves the work a moment later.
  const tb = ctx.local?.get(LOCAL_TEMPLATE_BUILDER);
  if (tb) {
    gateway.on('bestblock', (e: { peer: string; header: BlockHeader }) => {
      const r = tb.offerHeader(encodeHeader(e.header));
      if (r.published) log.info("empty work on a peer's best block", { peer: e.peer, height: r.work.height });
    });
  }

  const closers: Closer[] = [];
  let poll: NodeJS.Timeout | undefined;
  let stopped = false;
  const startGateway = async () => {
    await gateway.start();
    log.info('p2p listening', { port: gateway.listenAddressPort, peers: config.p2poolNodes });
  };

  return {
    endpoints(): Record<string, string> {
      return gateway.listenPort() !== null ? { p2p: `0.0.0.0:${gateway.listenAddressPort}` } : {};
    },
    async GetPeers() {
      const s = gateway.getStats();
      return {
        peers: gateway.peers().map(peerMessage),
        incoming: s.incoming,
        outgoing: s.outgoing,
        knownAddresses: s.knownAddresses,
        peerAddresses: gateway.peerAddresses(),
        bytesReceived: BigInt(s.bytesReceived),
        bytesSent: BigInt(s.bytesSent),
      };
    },
    async BroadcastShare(req) {
      const shares = req.shares.map((p) => parseWrappedShare(net, encodeWrapper(Number(p.type), p.contents)));
      // The newest share came from this peer, and so did (it has them) its parents: no echo.
      if (req.excludePeer) for (const s of shares) s.peerAddr = req.excludePeer;
      return { sentTo: shares.length ? gateway.broadcastShare(shares[0]!.hash, shares) : 0 };
    },
    async RequestShares(req) {
      const r = gateway.requestShares(req.hashes.map(u256FromLE), req.parents, req.stops.map(u256FromLE), req.peer || undefined);
      return { requested: r !== null, peer: r?.peer ?? '' };
    },
    async AddPeer(req) {
      gateway.addPeer(req.address);
      return {};
    },
    async BanPeer(req) {
      // 0 s = the sharechain's "this peer sent a bad share": the gateway's usual ban.
      if (req.seconds > 0) gateway.banHost(req.address, req.seconds, req.reason);
      else gateway.punishPeer(req.address, req.reason);
      return {};
    },
    async start() {
      stopMetrics = peerGatewayMetrics(gateway);
      if (!busSource) {
        await startGateway();
        return;
      }
      closers.push(
        await on(bus, Events.workBasisPublished, (m) => {
          if (m.basis) busSource.noteBasis(m.basis);
        }),
      );
      // Peers are taken only once the sharechain answers: shares a peer sends before that would have
      // nowhere to go. Waited for in the background, so the process reports why it is not ready.
      ctx.health.setCheck('sharechain', false, 'waiting for the sharechain service');
      void (async () => {
        const answered = await retryUntil(
          async () => {
            busSource.noteBasis(await ctx.clients.sharechain.GetWorkBasis({}));
            return true;
          },
          {
            stopped: () => stopped,
            delayMs: 1000,
            onError: (e) => ctx.health.setCheck('sharechain', false, `waiting for the sharechain service: ${(e as Error).message}`),
          },
        );
        if (!answered) return;
        ctx.health.setCheck('sharechain', true, 'answering');
        poll = setInterval(() => {
          if (gateway.peerCount() > 0) void busSource.refreshDesired();
        }, DESIRED_POLL_MS);
        poll.unref();
        await startGateway().catch((e) => {
          log.error('the peer gateway failed to start', { error: e });
          ctx.health.setCheck('p2p', false, (e as Error).message);
        });
      })();
    },
    async stop() {
      stopped = true;
      stopMetrics?.();
      clearInterval(poll);
      await Promise.allSettled(closers.map((c) => c.close()));
      await gateway.stop();
    },
  };
}

export async function createPeerGatewayServer(ctx: ServiceContext, logic?: PeerGatewayLogic): Promise<ServiceShell> {
  const l = logic ?? (await loadLogic(ctx));
  return {
    definition: PeerGatewayDefinition,
    impl: bindContract<PeerGatewayContract>(PeerGatewayDefinition, ctx, l),
    start: l.start?.bind(l),
    drain: l.drain?.bind(l),
    stop: l.stop?.bind(l),
    endpoints: l.endpoints?.bind(l),
  };
}
