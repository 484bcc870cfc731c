// The peer gateway's metrics, read from its statistics at scrape time.
import { observe } from '../runtime/metrics.ts';
import type { PeerGateway } from './gateway.ts';

export function peerGatewayMetrics(gw: PeerGateway): () => void {
  return observe('p2pool.peer_gateway', [
    {
      name: 'p2pool.peers',
      description: 'connected P2Pool peers by direction',
      read: () => {
        const s = gw.getStats();
        return [
          [s.incoming, { direction: 'incoming' }],
          [s.outgoing, { direction: 'outgoing' }],
        ];
      },
    },
    { name: 'p2pool.peers.known_addresses', description: 'addresses in the address store', read: () => gw.getStats().knownAddresses },
    { name: 'p2pool.peers.banned', description: 'hosts banned now', read: () => gw.getStats().bans },
    {
      name: 'p2pool.p2p.shares',
      kind: 'counter',
      description: 'shares exchanged with peers, by direction',
      read: () => {
        const s = gw.getStats();
        return [
          [s.sharesReceived, { direction: 'received' }],
          [s.sharesSent, { direction: 'sent' }],
        ];
      },
    },
    {
      name: 'p2pool.p2p.bytes',
      kind: 'counter',
      unit: 'By',
      description: 'P2P bytes, by direction',
      read: () => {
        const s = gw.getStats();
        return [
          [s.bytesReceived, { direction: 'received' }],
          [s.bytesSent, { direction: 'sent' }],
        ];
      },
    },
    {
      name: 'p2pool.p2p.requests_served',
      kind: 'counter',
      description: 'sharereq requests served',
      read: () => gw.getStats().requestsServed,
    },
    {
      name: 'p2pool.p2p.frames_dropped',
      kind: 'counter',
      description: 'frames dropped, by reason',
      read: () => Object.entries(gw.getStats().framesDropped).map(([reason, v]) => [v, { reason }] as const),
    },
  ]);
}
