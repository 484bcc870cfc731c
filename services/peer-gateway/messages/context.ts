// What message handlers may touch: the connection they arrived on and the node behind it. Peer and
// PeerGateway implement these; handlers never see sockets or timers.
import type { BlockHeader, Network, Share } from '../../core/index.ts';
import type { AddressStore } from '../addr-store.ts';
import type { ShareRequests } from '../share-requests.ts';
import type { TxRelay } from '../tx-relay.ts';
import type { AddrRecord } from './addrs.ts';
import type { SharereqMessage } from './sharereq.ts';
import type { VersionMessage } from './version.ts';

export interface NodeContext {
  readonly net: Network;
  /** This node's random 64-bit nonce (fixed for the process). */
  readonly nonce: bigint;
  /** Raised as the share version rises (docs/protocol.md §5.6); applies to new handshakes only. */
  readonly minProtocolVersion: number;
  readonly addrs: AddressStore;
  nowSeconds(): number;
  random(): number;
  hasPeerNonce(nonce: bigint): boolean;
  randomPeer(): PeerLike | undefined;
  /** Transaction relay runs only while the best share version is < 34 (docs/protocol.md §3.9). */
  txRelayActive(): boolean;
  /** A transaction this node knows (known_txs), full serialization. */
  knownTx(hash: bigint): Buffer | undefined;
  addKnownTxs(txs: Map<bigint, Buffer>): void;
  receiveShares(peer: PeerLike, shares: Share[], txs: Buffer[]): void;
  serveShareRequest(peer: PeerLike, m: SharereqMessage): void;
  gotBestBlock(peer: PeerLike, header: BlockHeader): void;
}

export interface PeerLike {
  readonly node: NodeContext;
  readonly host: string;
  readonly port: number;
  /** "host:port" (IPv6 in brackets): the key put in share.peerAddr. */
  readonly addr: string;
  remoteVersion: number | null;
  subVersion: string;
  services: bigint;
  readonly tx: TxRelay;
  readonly requests: ShareRequests;
  establish(m: VersionMessage): void;
  sendAddrme(port: number): void;
  sendAddrs(addrs: AddrRecord[]): void;
}
