// The minimum protocol version a peer must speak, raised as the share version rises (docs/protocol.md §5.6,
// `update_min_protocol_version`): after a share passes check(), if ≥ 95 % of its voting window
// votes for its own version and that version's class demands more, the minimum goes up.
import type { Network, Share } from '../core/index.ts';

export function raisedMinimumProtocolVersion(net: Network, current: number, share: Share, counts: ReadonlyMap<number, bigint> | null): number {
  if (!counts) return current;
  const wanted = net.LINEAGE === 'JT' ? share.rules.minProtocolVersion : share.rules.successor === null ? (net.NEW_MINIMUM_PROTOCOL_VERSION ?? current) : current;
  if (current >= wanted) return current;
  let sum = 0n;
  for (const v of counts.values()) sum += v;
  return (counts.get(share.type) ?? 0n) >= (sum * 95n) / 100n ? wanted : current;
}
