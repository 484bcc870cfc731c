// Turning received share wrappers into parsed shares, as the reference's load_share does for both
// `shares` and `sharereply`: obsolete types are skipped, PoW/target failures are misbehaviour; on
// V36 networks other unparseable shares are skipped too (docs/consensus-core.md, V36).
import { ShareRuleError, minimumShareVersion, parseShare, type Share } from '../../core/index.ts';
import { PeerDisconnect, PeerMisbehavingError } from '../errors.ts';
import type { PeerLike } from './context.ts';

export interface Wrapped {
  type: number;
  contents: Buffer;
}

export function loadShares(peer: PeerLike, wrapped: readonly Wrapped[]): Share[] {
  const net = peer.node.net;
  const min = minimumShareVersion(net.LINEAGE);
  const now = peer.node.nowSeconds();
  const out: Share[] = [];
  for (const w of wrapped) {
    if (w.type < min) continue;
    let share: Share;
    try {
      share = parseShare(net, w.type, w.contents);
    } catch (e) {
      if (e instanceof ShareRuleError && e.misbehaving) throw new PeerMisbehavingError(`invalid share: ${e.message}`);
      // [V36] live nodes skip a share they cannot parse (e.g. a newer type) and keep the peer.
      if (net.LINEAGE === 'V36') continue;
      throw new PeerDisconnect(`undecodable share: ${(e as Error).message}`);
    }
    share.peerAddr = peer.addr;
    share.timeSeen = now;
    out.push(share);
  }
  return out;
}
