import type { Network } from '../networks/types.ts';
import { parseWrappedShare, type Share } from '../share/share.ts';
import { checkShare } from '../share/check.ts';
import { ShareRuleError } from '../share/errors.ts';
import { DecodeError } from '../codec/errors.ts';
import { ShareTracker } from './share-tracker.ts';

export interface ChainVerdict {
  index: number;
  share?: Share;
  ok: boolean;
  /** The rule broken: a ShareRuleError's rule, 'decode' for malformed bytes. */
  rule?: string;
  message?: string;
}

/** Parse and fully verify packed shares in order against one tracker (the `sharechain verify` command). */
export function* verifyChain(net: Network, packed: Iterable<Uint8Array>, now: number): Generator<ChainVerdict> {
  const tracker = new ShareTracker();
  let index = 0;
  for (const bytes of packed) {
    const i = index++;
    let share: Share;
    try {
      share = parseWrappedShare(net, bytes);
    } catch (e) {
      const partial = e instanceof ShareRuleError ? (e.share as Share | undefined) : undefined;
      yield { index: i, share: partial, ok: false, ...describe(e) };
      continue;
    }
    try {
      if (!tracker.has(share.hash)) tracker.add(share);
      checkShare(tracker, share, { now });
      if (!tracker.verified.has(share.hash)) tracker.verified.add(share);
      yield { index: i, share, ok: true };
    } catch (e) {
      yield { index: i, share, ok: false, ...describe(e) };
    }
  }
}

function describe(e: unknown): { rule: string; message: string } {
  if (e instanceof ShareRuleError) return { rule: e.rule, message: e.message };
  if (e instanceof DecodeError) return { rule: 'decode', message: e.message };
  return { rule: 'error', message: (e as Error).message ?? String(e) };
}
