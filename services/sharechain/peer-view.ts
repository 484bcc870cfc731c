// The gateway's connected peers as the sharechain sees them over the bus: seeded by
// PeerGateway.GetPeers, kept current by PeersChanged events. It feeds the sync state (no peers, no
// genesis on persistent networks) and the reference statistics (peers, /peer_addresses).
import type { GetPeersResponse, Peer } from '../gen/p2pool/v1/peer_gateway.ts';
import type { PeersChanged } from '../gen/p2pool/v1/events.ts';

export class PeerView {
  #incoming = 0;
  #outgoing = 0;
  readonly #addresses = new Set<string>();
  readonly #defaultPort: number;

  constructor(defaultPort: number) {
    this.#defaultPort = defaultPort;
  }

  reset(r: GetPeersResponse): void {
    this.#incoming = r.incoming;
    this.#outgoing = r.outgoing;
    this.#addresses.clear();
    for (const p of r.peers) this.#addresses.add(p.address);
  }

  changed(e: PeersChanged): void {
    this.#incoming = e.incoming;
    this.#outgoing = e.outgoing;
    for (const p of e.disconnected) this.#addresses.delete(p.address);
    for (const p of e.connected) this.#addresses.add(p.address);
  }

  get count(): number {
    return this.#incoming + this.#outgoing;
  }

  // The reference's /peer_addresses entries: "host", or "host:port" when the port is not the network's.
  info(): { incoming: number; outgoing: number; addresses: string[] } {
    const addresses = [...this.#addresses].map((a) => {
      const m = /^(.*):(\d+)$/.exec(a);
      return m && Number(m[2]) === this.#defaultPort ? m[1]! : a;
    });
    return { incoming: this.#incoming, outgoing: this.#outgoing, addresses };
  }
}

export type { Peer };
