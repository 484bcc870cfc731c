// Where a store's load puts the share bytes it hands to the tracker. A parsed share keeps a view of its
// packed bytes for as long as the tracker holds it, and a view pins its whole ArrayBuffer: bytes made
// with Buffer.from() land in Node's shared pool (64 KB slabs on Node 24) between the parse's own
// short-lived buffers, so 17k loaded shares (11 MB) pinned 45 MB of slabs; a view into a file's read
// buffer would pin the file. The arena packs them back to back in chunks that hold nothing else. A
// chunk is freed once the tracker has dropped all of its shares: they load oldest first and are
// pruned oldest first, so chunks go one after another.

/** ~380 mainnet-sized shares a chunk: few allocations, little left over in the last one. */
export const PACKED_CHUNK_BYTES = 256 * 1024;

export class PackedArena {
  private readonly chunkBytes: number;
  private chunk: Buffer | null = null;
  private used = 0;

  constructor(chunkBytes = PACKED_CHUNK_BYTES) {
    this.chunkBytes = chunkBytes;
  }

  /** n uninitialized bytes that share their ArrayBuffer only with other arena allocations. */
  alloc(n: number): Buffer {
    // A large record gets its own buffer rather than wasting a chunk's tail.
    if (n > this.chunkBytes >>> 3) return Buffer.allocUnsafeSlow(n);
    if (this.chunk === null || this.used + n > this.chunkBytes) {
      this.chunk = Buffer.allocUnsafeSlow(this.chunkBytes);
      this.used = 0;
    }
    const b = this.chunk.subarray(this.used, this.used + n);
    this.used += n;
    return b;
  }

  /** A copy of bytes in the arena. */
  copy(src: Uint8Array): Buffer {
    const b = this.alloc(src.length);
    b.set(src);
    return b;
  }
}
