// The minimum protocol version a peer must speak, raised as the share version rises (docs/protocol.md §5.6,
// `update_min_protocol_version`): after a share passes check(), if ≥ 95 % of its voting window
// votes for its own version and that version's class demands more, the minimum goes up.
import type { Network, Share } from '../core/index.ts';

// [V36] the floor goes to 3600 only once this node's version ratchet is confirmed, so legacy (3501)
// peers keep connecting through the transition (docs/consensus-core.md, V36).
export function raisedMinimumProtocolVersion(
  net: Network,
  current: number,
  share: Share,
  counts: ReadonlyMap<number, bigint> | null,
  ratchetConfirmed = false,
): number {
  if (!counts) return current;
  let wanted =
    net.LINEAGE !== 'FV'
      ? share.rules.minProtocolVersion
      : share.rules.successor === null
        ? (net.NEW_MINIMUM_PROTOCOL_VERSION ?? current)
        : current;
  if (net.LINEAGE === 'V36' && share.rules.mergedMining && !ratchetConfirmed) return current;
  if (current >= wanted) return current;
  wanted = Math.max(wanted, current);
  let sum = 0n;
  for (const v of counts.values()) sum += v;
  return (counts.get(share.type) ?? 0n) >= (sum * 95n) / 100n ? wanted : current;
}
