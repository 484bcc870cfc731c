// Bans (docs/protocol.md §3.7): per host, score += 1 per offence, banned until now + bantime · score² ([JT]).
// The reference never bans 127.0.0.1; we also spare ::1 (its IPv6 twin). The JT "forgiveness" task
// never worked (a typo), so scores only grow for the life of the process, as there.

export interface BanRecord {
  host: string;
  until: number;
  score: number;
  reason: string;
}

export class BanList {
  private readonly bans = new Map<string, BanRecord>();
  private readonly scores = new Map<string, number>();
  private readonly spared: Set<string>;

  constructor(spared: readonly string[] = ['127.0.0.1', '::1']) {
    this.spared = new Set(spared);
  }

  /** Returns the ban, or null for a spared host. `now` in ms. */
  ban(host: string, seconds: number, reason: string, now: number): BanRecord | null {
    if (this.spared.has(host)) return null;
    const score = (this.scores.get(host) ?? 0) + 1;
    this.scores.set(host, score);
    const rec = { host, until: now + seconds * 1000 * score * score, score, reason };
    this.bans.set(host, rec);
    return rec;
  }

  isBanned(host: string, now: number): boolean {
    const b = this.bans.get(host);
    if (!b) return false;
    if (b.until > now) return true;
    this.bans.delete(host);
    return false;
  }

  list(now: number): BanRecord[] {
    return [...this.bans.values()].filter((b) => b.until > now);
  }

  unban(host: string): void {
    this.bans.delete(host);
  }
}
