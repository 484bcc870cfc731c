import { targetToAverageAttempts } from '../bitcoin/difficulty.ts';

/** What the tracker needs of an item: its identity, its parent, and the targets its work derives from. */
export interface ChainItem {
  readonly hash: bigint;
  readonly previousHash: bigint | null;
  readonly target: bigint;
  readonly maxTarget: bigint;
  /** Donated fraction out of 65535 (PPLNS); 0 for items without one. */
  readonly donation: number;
}

// att(target) per distinct target (targets are interned by the share parser): one bigint each.
const workByTarget = new Map<bigint, bigint>();
function workOf(target: bigint): bigint {
  let w = workByTarget.get(target);
  if (w === undefined) {
    if (workByTarget.size >= 65536) workByTarget.clear();
    workByTarget.set(target, (w = targetToAverageAttempts(target)));
  }
  return w;
}

/**
 * A tracker node. Height, work and the jump pointer are relative to the node's root (its oldest
 * present ancestor) and are recomputed for a subtree when a gap below it is filled or its root is
 * pruned; appends at the heads, the common case, are O(1).
 */
export class ChainNode<T extends ChainItem> {
  readonly item: T;
  parent: ChainNode<T> | null = null;
  readonly children: ChainNode<T>[] = [];
  /** Shares from here back to the first missing ancestor, this one included. */
  height = 1;
  /** The first missing ancestor's hash, or null when the chain reaches genesis. */
  last: bigint | null;
  /** Σ att(target) and Σ att(max_target) from the root to here, inclusive. */
  cumWork = 0n;
  cumMinWork = 0n;
  /** Σ att(target)·donation from the root, for the PPLNS donation weight. */
  cumDonWork = 0n;
  /** Skew-binary jump pointer: an ancestor chosen so that nth-parent queries take O(log n). */
  jump: ChainNode<T>;
  readonly work: bigint;
  readonly minWork: bigint;

  constructor(item: T) {
    this.item = item;
    this.last = item.previousHash;
    this.jump = this;
    this.work = workOf(item.target);
    this.minWork = workOf(item.maxTarget);
    this.cumWork = this.work;
    this.cumMinWork = this.minWork;
    this.cumDonWork = item.donation ? this.work * BigInt(item.donation) : 0n;
  }

  /** Derive this node's chain values from its (possibly new) parent. */
  relink(): void {
    const p = this.parent;
    if (!p) {
      this.height = 1;
      this.last = this.item.previousHash;
      this.cumWork = this.work;
      this.cumMinWork = this.minWork;
      this.cumDonWork = this.item.donation ? this.work * BigInt(this.item.donation) : 0n;
      this.jump = this;
      return;
    }
    this.height = p.height + 1;
    this.last = p.last;
    this.cumWork = p.cumWork + this.work;
    this.cumMinWork = p.cumMinWork + this.minWork;
    this.cumDonWork = this.item.donation ? p.cumDonWork + this.work * BigInt(this.item.donation) : p.cumDonWork;
    const pj = p.jump;
    this.jump = p.height - pj.height === pj.height - pj.jump.height && pj !== p ? pj.jump : p;
  }
}

/**
 * The share forest (the reference's util/forest.py Tracker): items keyed by hash, heads (no
 * children) and tails (missing parents), with heights, work and ancestor queries in O(log n).
 */
export class Tracker<T extends ChainItem> {
  readonly nodes = new Map<bigint, ChainNode<T>>();
  /** previous hash → nodes naming it as parent (also for parents we do not have). */
  private readonly waiting = new Map<bigint, ChainNode<T>[]>();
  readonly heads = new Set<ChainNode<T>>();
  /** Called after an item is added or removed, e.g. to invalidate caches keyed by hash. */
  onChange: ((kind: 'add' | 'remove', item: T) => void) | null = null;

  get size(): number {
    return this.nodes.size;
  }

  has(hash: bigint | null): boolean {
    return hash !== null && this.nodes.has(hash);
  }

  get(hash: bigint): T | undefined {
    return this.nodes.get(hash)?.item;
  }

  node(hash: bigint): ChainNode<T> | undefined {
    return this.nodes.get(hash);
  }

  add(item: T): void {
    if (this.nodes.has(item.hash)) throw new Error(`item ${item.hash.toString(16)} already present`);
    const node = new ChainNode(item);
    this.nodes.set(item.hash, node);
    const prev = item.previousHash;
    const parent = prev === null ? undefined : this.nodes.get(prev);
    if (parent) {
      if (parent.children.length === 0) this.heads.delete(parent);
      parent.children.push(node);
      node.parent = parent;
      node.relink();
    } else if (prev !== null) {
      let list = this.waiting.get(prev);
      if (!list) this.waiting.set(prev, (list = []));
      list.push(node);
    }
    const orphans = this.waiting.get(item.hash);
    if (orphans) {
      this.waiting.delete(item.hash);
      for (const child of orphans) {
        child.parent = node;
        node.children.push(child);
      }
      this.relinkSubtree(node);
    }
    if (node.children.length === 0) this.heads.add(node);
    this.onChange?.('add', item);
  }

  /** Add several items, parents first where they are among them, so gaps are filled once. */
  addMany(items: Iterable<T>): void {
    const pending = new Map<bigint, T>();
    for (const it of items) if (!this.nodes.has(it.hash)) pending.set(it.hash, it);
    const visit = (it: T): void => {
      if (!pending.has(it.hash)) return;
      pending.delete(it.hash);
      const p = it.previousHash === null ? undefined : pending.get(it.previousHash);
      if (p) visit(p);
      this.add(it);
    };
    for (const it of [...pending.values()]) visit(it);
  }

  private relinkSubtree(root: ChainNode<T>): void {
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      n.relink();
      for (const c of n.children) stack.push(c);
    }
  }

  /** Remove an item; its children (if any) become roots whose parent is missing. */
  remove(hash: bigint): T {
    const node = this.nodes.get(hash);
    if (!node) throw new Error(`item ${hash.toString(16)} not present`);
    this.detach(node);
    for (const c of node.children) this.relinkSubtree(c);
    this.onChange?.('remove', node.item);
    return node.item;
  }

  /** Remove many items, then recompute each affected subtree once (pruning the oldest shares). */
  removeMany(hashes: Iterable<bigint>): T[] {
    const removed: ChainNode<T>[] = [];
    for (const h of hashes) {
      const node = this.nodes.get(h);
      if (node) {
        this.detach(node);
        removed.push(node);
      }
    }
    for (const n of removed) for (const c of n.children) if (this.nodes.has(c.item.hash) && c.parent === null) this.relinkSubtree(c);
    for (const n of removed) this.onChange?.('remove', n.item);
    return removed.map((n) => n.item);
  }

  private detach(node: ChainNode<T>): void {
    const hash = node.item.hash;
    this.nodes.delete(hash);
    this.heads.delete(node);
    const p = node.parent;
    if (p) {
      const i = p.children.indexOf(node);
      if (i >= 0) p.children.splice(i, 1);
      if (p.children.length === 0 && this.nodes.has(p.item.hash)) this.heads.add(p);
    } else if (node.item.previousHash !== null) {
      const list = this.waiting.get(node.item.previousHash);
      if (list) {
        const i = list.indexOf(node);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.waiting.delete(node.item.previousHash);
      }
    }
    if (node.children.length) {
      this.waiting.set(hash, node.children.slice());
      for (const c of node.children) c.parent = null;
    }
  }

  /** (height, last) as the reference: (0, h) for an unknown hash. */
  getHeightAndLast(hash: bigint | null): [number, bigint | null] {
    if (hash === null) return [0, null];
    const n = this.nodes.get(hash);
    return n ? [n.height, n.last] : [0, hash];
  }

  getHeight(hash: bigint | null): number {
    return this.getHeightAndLast(hash)[0];
  }

  getLast(hash: bigint): bigint | null {
    return this.getHeightAndLast(hash)[1];
  }

  /** Σ att(target) from `hash` back to its last known ancestor. */
  getWork(hash: bigint): bigint {
    return this.nodes.get(hash)?.cumWork ?? 0n;
  }

  /** The ancestor n steps back (n = height gives the missing `last`). */
  getNthParentHash(hash: bigint, n: number): bigint | null {
    const node = this.nodes.get(hash);
    if (!node) {
      if (n === 0) return hash;
      throw new Error(`nth parent of unknown item ${hash.toString(16)}`);
    }
    if (n === node.height) return node.last;
    if (n > node.height || n < 0) throw new Error(`item has height ${node.height}, cannot go back ${n}`);
    return this.ancestorNode(node, n).item.hash;
  }

  ancestorNode(node: ChainNode<T>, n: number): ChainNode<T> {
    const want = node.height - n;
    let v = node;
    while (v.height > want) v = v.jump.height >= want ? v.jump : v.parent!;
    return v;
  }

  /** Work and min-work of the shares in (far, near]; `far` must be an ancestor of `near` (or its `last`). */
  getDelta(near: bigint, far: bigint | null): { work: bigint; minWork: bigint; height: number } {
    const a = this.nodes.get(near);
    if (!a) return { work: 0n, minWork: 0n, height: 0 };
    const b = far === null ? undefined : this.nodes.get(far);
    if (!b) return { work: a.cumWork, minWork: a.cumMinWork, height: a.height };
    return { work: a.cumWork - b.cumWork, minWork: a.cumMinWork - b.cumMinWork, height: a.height - b.height };
  }

  /** `n` items from `hash` back (n ≤ height). */
  *getChain(hash: bigint, n: number): Generator<T> {
    let node = this.nodes.get(hash);
    if (n > (node?.height ?? 0)) throw new Error(`chain of ${node?.height ?? 0} items is shorter than ${n}`);
    for (let i = 0; i < n; i++) {
      yield node!.item;
      node = node!.parent ?? undefined;
    }
  }

  /** Is `a` an ancestor of, or equal to, `b`? */
  isChildOf(a: bigint, b: bigint): boolean | null {
    const na = this.nodes.get(a);
    const nb = this.nodes.get(b);
    if (!na || !nb) return null;
    if (na.last !== nb.last) return null;
    if (nb.height < na.height) return false;
    return this.ancestorNode(nb, nb.height - na.height) === na;
  }

  /** tail (missing parent hash, or null for genesis chains) → its heads. */
  tails(): Map<bigint | null, ChainNode<T>[]> {
    const out = new Map<bigint | null, ChainNode<T>[]>();
    for (const h of this.heads) {
      let list = out.get(h.last);
      if (!list) out.set(h.last, (list = []));
      list.push(h);
    }
    return out;
  }

  /** The oldest present items of a tail: the children of the missing parent (or the genesis roots). */
  tailChildren(tail: bigint | null): ChainNode<T>[] {
    if (tail !== null) return (this.waiting.get(tail) ?? []).slice();
    const out: ChainNode<T>[] = [];
    for (const n of this.nodes.values()) if (n.parent === null && n.item.previousHash === null) out.push(n);
    return out;
  }
}
