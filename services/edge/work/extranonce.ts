// Extranonce1 space of one edge, Stratum-V2 style: the top `prefix.bits` bits of every
// extranonce1 are this edge's prefix (set per pod by configuration), the rest is a counter.
// Two edges with different prefixes can never hand out the same extranonce1, so any number
// of them can serve the same (address, share target) job without colliding coinbases.
import type { ExtranoncePrefix } from '../config.ts';

export class ExtranonceAllocator {
  readonly size: number;
  readonly prefix: ExtranoncePrefix;
  private readonly counterSpace: number;
  private readonly base: number;
  private next: number;
  private readonly live = new Set<number>();

  constructor(size: number, prefix: ExtranoncePrefix, start = 0) {
    this.size = size;
    this.prefix = prefix;
    const totalBits = 8 * size;
    this.counterSpace = 2 ** (totalBits - prefix.bits);
    this.base = prefix.value * this.counterSpace;
    this.next = start % this.counterSpace;
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** A fresh extranonce1 not held by any live session of this edge. */
  allocate(): Buffer {
    if (this.live.size >= this.counterSpace) throw new Error('extranonce1 space of this edge is exhausted');
    let c = this.next;
    while (this.live.has(c)) c = (c + 1) % this.counterSpace;
    this.next = (c + 1) % this.counterSpace;
    this.live.add(c);
    return this.encode(c);
  }

  /**
   * Resumes a session's extranonce1 (mining.subscribe's second parameter) if it lies in this
   * edge's prefix space and nobody holds it now; otherwise returns null and the caller allocates.
   */
  resume(hex: unknown): Buffer | null {
    if (typeof hex !== 'string' || hex.length !== 2 * this.size || !/^[0-9a-fA-F]+$/.test(hex)) return null;
    const v = parseInt(hex, 16);
    if (v < this.base || v >= this.base + this.counterSpace) return null;
    const c = v - this.base;
    if (this.live.has(c)) return null;
    this.live.add(c);
    return this.encode(c);
  }

  release(en1: Buffer): void {
    this.live.delete(en1.readUIntBE(0, this.size) - this.base);
  }

  /** True if this extranonce1 belongs to this edge's prefix space. */
  owns(en1: Buffer): boolean {
    if (en1.length !== this.size) return false;
    const v = en1.readUIntBE(0, this.size);
    return v >= this.base && v < this.base + this.counterSpace;
  }

  private encode(counter: number): Buffer {
    const b = Buffer.allocUnsafe(this.size);
    b.writeUIntBE(this.base + counter, 0, this.size);
    return b;
  }
}
