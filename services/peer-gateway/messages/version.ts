// `version`: the first message each side sends (docs/protocol.md §3.2, §3.4). The handler is the handshake's
// acceptance rules; what happens once accepted lives in Peer.establish.
import { Reader, Writer } from '../../core/index.ts';
import { PeerDisconnect, PeerMisbehavingError } from '../errors.ts';
import { SUB_VERSION_MAX } from '../constants.ts';
import { readAddress, writeAddress, type NetAddress } from './address.ts';
import type { PeerLike } from './context.ts';

export const command = 'version';

export interface VersionMessage {
  version: number;
  services: bigint;
  addrTo: NetAddress;
  addrFrom: NetAddress;
  nonce: bigint;
  subVersion: string;
  /** Always 1 (legacy). */
  mode: number;
  bestShareHash: bigint | null;
}

export function encode(m: VersionMessage): Buffer {
  const w = new Writer(160).u32(m.version).u64(m.services);
  writeAddress(w, m.addrTo);
  writeAddress(w, m.addrFrom);
  return w.u64(m.nonce).varstr(Buffer.from(m.subVersion, 'utf8')).u32(m.mode).optionalU256(m.bestShareHash).toBuffer();
}

export function decode(payload: Buffer): VersionMessage {
  const r = new Reader(payload);
  const m: VersionMessage = {
    version: r.u32('version.version'),
    services: r.u64('version.services'),
    addrTo: readAddress(r, 'version.addr_to'),
    addrFrom: readAddress(r, 'version.addr_from'),
    nonce: r.u64('version.nonce'),
    subVersion: r.varstr('version.sub_version').toString('latin1'),
    mode: r.u32('version.mode'),
    bestShareHash: r.optionalU256('version.best_share_hash'),
  };
  r.done('version');
  return m;
}

/** The acceptance rules, in the reference's order (p2p.py handle_version). */
export function handle(peer: PeerLike, m: VersionMessage): void {
  if (peer.remoteVersion !== null) throw new PeerMisbehavingError('more than one version message');
  if (m.version < peer.node.minProtocolVersion)
    throw new PeerMisbehavingError(`peer too old (protocol ${m.version} < ${peer.node.minProtocolVersion})`);
  peer.remoteVersion = m.version;
  peer.subVersion = m.subVersion.slice(0, SUB_VERSION_MAX);
  peer.services = m.services;
  // Our own nonce: not misbehaviour (the reference bans here). In a cluster the node's gateway pods share
  // its nonce, so during a rollout a new pod reaches the old one; a ban would outlive that pod's IP.
  if (m.nonce === peer.node.nonce) throw new PeerDisconnect('was connected to self');
  if (peer.node.hasPeerNonce(m.nonce)) throw new PeerDisconnect('duplicate connection');
  peer.establish(m);
}
