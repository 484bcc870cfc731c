// Memory for the bytes a job keeps (its coinbase, its notify line): slices of large slabs shared by
// the jobs of one work epoch. A job lives until its sessions move on, as do the other jobs of its
// epoch, so slabs are freed together. A buffer of its own per job costs an ArrayBuffer allocation
// each (external memory the GC accounts for: with one job per payout address, thousands per
// event), and a slice of Node's shared 8 KB pool would pin slabs the build's transient buffers
// also live in.
export class ByteArena {
  private slab: Buffer | null = null;
  private pos = 0;
  private readonly slabSize: number;

  constructor(slabSize = 256 * 1024) {
    this.slabSize = slabSize;
  }

  alloc(n: number): Buffer {
    if (n > this.slabSize >>> 3) return Buffer.allocUnsafeSlow(n);
    if (this.slab === null || this.pos + n > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(this.slabSize);
      this.pos = 0;
    }
    const out = this.slab.subarray(this.pos, this.pos + n);
    // 8-byte alignment keeps neighbours' views apart for tools that read words.
    this.pos += (n + 7) & ~7;
    return out;
  }
}
