// Duplicate detection for a job without per-submit garbage: an open-addressing set of 64-bit
// keys in a Uint32Array (two words per slot). The key is the first 8 bytes of the PoW hash,
// which is uniformly distributed; a false duplicate needs a 64-bit collision within one job.
// A string Set here produced enough surviving garbage to show up as multi-millisecond GC pauses.

const NONE = new Uint32Array(0);

export class SeenSet {
  private slots: Uint32Array = NONE;
  private mask = -1;
  private readonly capacity: number;
  private count = 0;
  /** (0, 0) marks an empty slot, so that one key is remembered separately. */
  private hasZero = false;

  // Small by default: an edge can hold 100k+ jobs (one per payout address per epoch, kept 300 s).
  // Slots come with the first key: a job made in a fan-out may never see a submit.
  constructor(initialCapacity = 8) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.capacity = cap;
  }

  get size(): number {
    return this.count + (this.hasZero ? 1 : 0);
  }

  /** Adds the key read from 8 bytes at `offset`; returns false if it was already present. */
  add(bytes: Uint8Array, offset = 0): boolean {
    const lo = (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
    const hi = (bytes[offset + 4]! | (bytes[offset + 5]! << 8) | (bytes[offset + 6]! << 16) | (bytes[offset + 7]! << 24)) >>> 0;
    if (lo === 0 && hi === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      return true;
    }
    if (this.slots === NONE) {
      this.slots = new Uint32Array(this.capacity * 2);
      this.mask = this.capacity - 1;
    } else if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    return this.insert(lo, hi);
  }

  private insert(lo: number, hi: number): boolean {
    const s = this.slots;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const a = s[2 * i]!,
        b = s[2 * i + 1]!;
      if (a === 0 && b === 0) {
        s[2 * i] = lo;
        s[2 * i + 1] = hi;
        this.count++;
        return true;
      }
      if (a === lo && b === hi) return false;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = old.length - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.insert(old[i]!, old[i + 1]!);
    }
  }
}
