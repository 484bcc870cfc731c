// Bytes that live long, packed back to back in chunks of their own. A Buffer view pins its whole
// ArrayBuffer: bytes made with Buffer.from()/allocUnsafe() land in Node's shared pool (64 KB slabs on
// Node 24) between a parse's or a build's short-lived buffers, so a few long-lived views keep most of
// the pool alive; one Buffer.allocUnsafeSlow() each costs an ArrayBuffer per item (external memory
// the GC accounts for). Users allocate together what dies together (the shares of a load, pruned
// oldest first; the jobs of one work epoch), so chunks are freed one after another.

/** 256 KiB: ~380 mainnet-sized shares or ~100 job coinbases a chunk. */
export const ARENA_CHUNK_BYTES = 256 * 1024;

export class ByteArena {
  private readonly chunkBytes: number;
  private chunk: Buffer | null = null;
  private used = 0;

  constructor(chunkBytes = ARENA_CHUNK_BYTES) {
    this.chunkBytes = chunkBytes;
  }

  /** n uninitialized bytes that share their ArrayBuffer only with other allocations of this arena. */
  alloc(n: number): Buffer {
    // A large item gets its own buffer rather than wasting a chunk's tail.
    if (n > this.chunkBytes >>> 3) return Buffer.allocUnsafeSlow(n);
    if (this.chunk === null || this.used + n > this.chunkBytes) {
      this.chunk = Buffer.allocUnsafeSlow(this.chunkBytes);
      this.used = 0;
    }
    const b = this.chunk.subarray(this.used, this.used + n);
    this.used += n;
    return b;
  }

  /** A copy of `src` in the arena. */
  copy(src: Uint8Array): Buffer {
    const b = this.alloc(src.length);
    b.set(src);
    return b;
  }
}
