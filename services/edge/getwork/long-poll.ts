// getwork long polling (docs/protocol.md §8.7): a poll from (client IP, Authorization) returns at once if a
// new-work event happened since that client's previous poll, otherwise it waits for the next one.

export interface Parked {
  key: string;
  answer(): void;
}

export class LongPollRegistry {
  private readonly lastSeen = new Map<string, { workId: number; at: number }>();
  private readonly parked = new Set<Parked>();

  get waiting(): number {
    return this.parked.size;
  }

  /** True if this poll must be answered immediately; records the poll either way. */
  shouldAnswerNow(key: string, workId: number, now: number): boolean {
    const prev = this.lastSeen.get(key);
    this.lastSeen.set(key, { workId, at: now });
    return prev !== undefined && prev.workId < workId;
  }

  park(p: Parked): () => void {
    this.parked.add(p);
    return () => {
      this.parked.delete(p);
    };
  }

  /** New work: answer everyone waiting. */
  release(workId: number, now: number): void {
    const all = [...this.parked];
    this.parked.clear();
    for (const p of all) {
      this.lastSeen.set(p.key, { workId, at: now });
      p.answer();
    }
  }

  sweep(now: number, maxAgeMs: number): void {
    for (const [k, v] of this.lastSeen) if (now - v.at > maxAgeMs) this.lastSeen.delete(k);
  }
}
