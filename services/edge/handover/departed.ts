// Connections that left this edge recently, by username: what a submit forwarded by another edge
// needs to be checked here (the extranonce1 the miner hashed with, its version mask, its vardiff with
// its grace period). Kept for `keepMs` (the drain window and a margin), then forgotten.
import type { Vardiff } from '../work/vardiff.ts';

export interface DepartedSession {
  en1: Buffer;
  versionMask: number;
  vardiff: Vardiff | null;
  at: number;
}

export class DepartedSessions {
  private readonly byUser = new Map<string, DepartedSession[]>();
  private readonly keepMs: number;

  constructor(keepMs: number) {
    this.keepMs = keepMs;
  }

  get size(): number {
    return this.byUser.size;
  }

  add(usernames: Iterable<string>, d: DepartedSession): void {
    for (const u of usernames) {
      let list = this.byUser.get(u);
      if (list === undefined) {
        list = [];
        this.byUser.set(u, list);
      }
      const same = list.findIndex((x) => x.en1.equals(d.en1));
      if (same >= 0) list.splice(same, 1);
      list.push(d);
      if (list.length > 8) list.shift();
    }
  }

  get(username: string): readonly DepartedSession[] {
    return this.byUser.get(username) ?? [];
  }

  sweep(now: number): void {
    for (const [u, list] of this.byUser) {
      const kept = list.filter((d) => now - d.at <= this.keepMs);
      if (kept.length === 0) this.byUser.delete(u);
      else if (kept.length !== list.length) this.byUser.set(u, kept);
    }
  }
}
