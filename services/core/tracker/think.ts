import { targetToAverageAttempts } from '../bitcoin/difficulty.ts';
import { bitsToTarget } from '../bitcoin/bits.ts';
import type { Network } from '../networks/types.ts';
import type { Share } from '../share/share.ts';
import { checkShare, type CheckResult } from '../share/check.ts';
import type { ShareTracker } from './share-tracker.ts';
import type { ChainNode, Tracker } from './forest.ts';

export interface ThinkInput {
  net: Network;
  /** The full node's current block (its template's previous_block) and bits. */
  previousBlock: bigint;
  bits: number;
  /** Height of a block relative to the best block: 0 = tip, negative = older, very negative = unknown. */
  blockRelHeight: (blockHash: bigint) => number;
  /** Seconds since the epoch. */
  now: number;
  /** Picks a child for "random child of the tail" (injectable for deterministic tests). */
  random?: () => number;
  /** Called with each share that passed check(). */
  onVerified?: (share: Share, result: CheckResult) => void;
  /** Called with each share that failed check() (it is removed from the tracker). */
  onInvalid?: (share: Share, error: Error) => void;
}

export interface DesiredShare {
  peerAddr: string | null;
  hash: bigint;
  timestamp: number;
  target: bigint;
}

export interface ThinkResult {
  best: bigint | null;
  desired: DesiredShare[];
  /** Verified heads of the best chain, best last, with their sort keys. */
  decoratedHeads: { hash: bigint; work: bigint; punish: number; timeSeen: number }[];
  badPeers: Set<string>;
  /** [JT] the head that would win without punishment is itself punished: ask miners for easy shares. */
  punishAggressively: boolean;
}

/** [JT] `should_punish_reason`: −1 for a block solution (preferred), the naughty count, else 0. */
export function punishValue(share: Share): number {
  if (share.powHash <= bitsToTarget(share.headerBits)) return -1;
  if (share.naughty) return share.naughty;
  return 0;
}

/** Verify one share (`attempt_verify`): true if it is, or now is, in the verified subset. */
function tryVerify(tracker: ShareTracker, share: Share, input: ThinkInput): boolean {
  if (tracker.verified.has(share.hash)) return true;
  try {
    const result = checkShare(tracker, share, { now: input.now });
    input.onVerified?.(share, result);
    return true;
  } catch (e) {
    input.onInvalid?.(share, e as Error);
    return false;
  }
}

/**
 * Verify `shares` (newest first) up to the first failure, as the reference does walking down, but
 * check them oldest first so PPLNS windows slide rather than restart. Returns the verified prefix.
 */
function verifyDownward(tracker: ShareTracker, shares: Share[], input: ThinkInput): Share[] {
  const ok = new Array<boolean>(shares.length);
  const quiet = { ...input, onVerified: undefined, onInvalid: undefined };
  const results = new Map<Share, CheckResult | Error>();
  for (let i = shares.length - 1; i >= 0; i--) {
    const s = shares[i]!;
    if (tracker.verified.has(s.hash)) {
      ok[i] = true;
      continue;
    }
    try {
      results.set(s, checkShare(tracker, s, { now: quiet.now }));
      ok[i] = true;
    } catch (e) {
      results.set(s, e as Error);
      ok[i] = false;
    }
  }
  const prefix: Share[] = [];
  for (let i = 0; i < shares.length; i++) {
    const s = shares[i]!;
    const r = results.get(s);
    if (!ok[i]) {
      if (r instanceof Error) input.onInvalid?.(s, r);
      break;
    }
    if (r && !(r instanceof Error)) input.onVerified?.(s, r);
    prefix.push(s);
  }
  return prefix;
}

function chainList(t: Tracker<Share>, hash: bigint, n: number): Share[] {
  return [...t.getChain(hash, n)];
}

/** Hashrate score of a verified chain (`score`): complete chains by recent work per time since their blocks. */
function score(tracker: ShareTracker, net: Network, head: bigint, blockRelHeight: (h: bigint) => number): [number, number | null] {
  const v = tracker.verified;
  const height = v.getHeight(head);
  if (height < net.CHAIN_LENGTH) return [height, null];
  const end = v.getNthParentHash(head, Math.floor((net.CHAIN_LENGTH * 15) / 16))!;
  let blockHeight = -Infinity;
  for (const s of v.getChain(end, Math.floor(net.CHAIN_LENGTH / 16))) blockHeight = Math.max(blockHeight, blockRelHeight(s.previousBlock));
  const work = v.getDelta(head, end).work;
  return [net.CHAIN_LENGTH, Number(work) / ((0 - blockHeight + 1) * net.PARENT.BLOCK_PERIOD)];
}

function cmpScore(a: [number, number | null], b: [number, number | null]): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  if (a[1] === b[1]) return 0;
  if (a[1] === null) return -1;
  if (b[1] === null) return 1;
  return a[1] < b[1] ? -1 : 1;
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `think()` (docs/protocol.md §7.2, jtoomim flavour): verify what can be verified, score the verified chains,
 * choose the best share (with punishment), and list the missing parents worth downloading.
 */
export function think(tracker: ShareTracker, input: ThinkInput): ThinkResult {
  const { net } = input;
  const random = input.random ?? Math.random;
  const desired: DesiredShare[] = [];
  const badPeers = new Set<string>();
  const verified = tracker.verified;

  const wantParent = (last: bigint, head: bigint, headHeight: number): void => {
    const children = tracker.tailChildren(last);
    const child = children.length ? children[Math.floor(random() * children.length)]! : undefined;
    const top = chainList(tracker, head, Math.min(5, headHeight));
    desired.push({
      peerAddr: child?.item.peerAddr ?? null,
      hash: last,
      timestamp: Math.max(...top.map((s) => s.timestamp)),
      target: top.reduce((m, s) => (s.target < m ? s.target : m), top[0]!.target),
    });
  };

  // 1. Verify unverified heads.
  const bads: Share[] = [];
  for (const headNode of [...tracker.heads]) {
    const head = headNode.item;
    if (verified.heads.has(verified.node(head.hash)!)) continue;
    const [headHeight, last] = tracker.getHeightAndLast(head.hash);
    const n = last === null ? headHeight : Math.min(5, Math.max(0, headHeight - net.CHAIN_LENGTH));
    let found = false;
    for (const s of chainList(tracker, head.hash, n)) {
      if (tryVerify(tracker, s, input)) {
        if (!verified.has(s.hash)) verified.add(s);
        found = true;
        break;
      }
      bads.push(s);
    }
    if (!found && last !== null) wantParent(last, head.hash, headHeight);
  }
  for (const bad of bads) {
    if (bad.peerAddr !== null) badPeers.add(bad.peerAddr);
    if (tracker.has(bad.hash)) tracker.remove(bad.hash);
  }

  // 2. Extend verified heads downward, towards CHAIN_LENGTH verified shares.
  for (const headNode of [...verified.heads]) {
    const head = headNode.item.hash;
    if (!verified.has(head)) continue;
    const [headHeight, lastHash] = verified.getHeightAndLast(head);
    if (lastHash === null) continue;
    const [lastHeight, lastLast] = tracker.getHeightAndLast(lastHash);
    const want = Math.max(net.CHAIN_LENGTH - headHeight, 0);
    const can = lastLast !== null ? Math.max(lastHeight - 1 - net.CHAIN_LENGTH, 0) : lastHeight;
    const get = Math.min(want, can);
    if (get > 0) {
      const ok = verifyDownward(tracker, chainList(tracker, lastHash, get), input);
      verified.addMany(ok);
    }
    if (headHeight < net.CHAIN_LENGTH && lastLast !== null) wantParent(lastLast, head, tracker.getHeight(head));
  }

  // 3. The best verified chain (tail).
  let bestTail: bigint | null | undefined;
  let bestTailScore: [number, number | null] | null = null;
  for (const [tail, heads] of verified.tails()) {
    let top = heads[0]!;
    for (const h of heads) if (h.cumWork > top.cumWork) top = h;
    const sc = score(tracker, net, top.item.hash, input.blockRelHeight);
    const better =
      bestTailScore === null ||
      cmpScore(sc, bestTailScore) > 0 ||
      (cmpScore(sc, bestTailScore) === 0 && cmpBig(tail ?? -1n, bestTail ?? -1n) > 0);
    if (better) {
      bestTail = tail;
      bestTailScore = sc;
    }
  }

  // 4. The best head of that chain: work without its newest 5 shares, punishment, first seen.
  const heads = bestTail === undefined ? [] : (verified.tails().get(bestTail) ?? []);
  const decorate = (h: ChainNode<Share>, jt: boolean) => {
    const s = h.item;
    const base = verified.getWork(verified.getNthParentHash(s.hash, Math.min(5, verified.getHeight(s.hash)))!);
    const punish = punishValue(s);
    return {
      hash: s.hash,
      work: jt ? base - BigInt(Math.min(punish, 1)) * targetToAverageAttempts(s.target) : base,
      punish,
      timeSeen: s.timeSeen,
    };
  };
  const order = (a: ReturnType<typeof decorate>, b: ReturnType<typeof decorate>) =>
    cmpBig(a.work, b.work) || b.punish - a.punish || b.timeSeen - a.timeSeen || cmpBig(a.hash, b.hash);
  const decoratedHeads = heads.map((h) => decorate(h, true)).sort(order);
  const fvStyle = heads.map((h) => decorate(h, false)).sort(order);
  const punishAggressively = fvStyle.length > 0 && fvStyle[fvStyle.length - 1]!.punish !== 0;

  // 5. Punishment: step back from punished heads, then down to the deepest non-naughty descendant.
  let best: bigint | null = decoratedHeads.length ? decoratedHeads[decoratedHeads.length - 1]!.hash : null;
  if (best !== null) {
    let share = tracker.get(best)!;
    let punish = punishValue(share);
    while (punish > 0 && share.previousHash !== null && tracker.has(share.previousHash)) {
      best = share.previousHash;
      share = tracker.get(best)!;
      punish = punishValue(share);
      if (!punish) best = bestDescendant(tracker, best, 20)[1];
    }
  }

  // 6. Only download what is recent enough.
  const bestShare = best === null ? undefined : tracker.get(best);
  const cutoff = bestShare ? Math.min(input.now, bestShare.timestamp) - 3600 : input.now - 86400;
  return { best, desired: desired.filter((d) => d.timestamp >= cutoff), decoratedHeads, badPeers, punishAggressively };
}

function bestDescendant(tracker: ShareTracker, hash: bigint, limit: number): [number, bigint] {
  const node = tracker.node(hash);
  const kids = (node?.children ?? []).filter((c) => !c.item.naughty).map((c) => bestDescendant(tracker, c.item.hash, limit - 1));
  if (!kids.length || limit < 0) return [0, hash];
  kids.sort((a, b) => a[0] - b[0] || cmpBig(a[1], b[1]));
  const top = kids[kids.length - 1]!;
  return [top[0] + 1, top[1]];
}
