// Outstanding `sharereq`s of one connection (the reference's GenericDeferrer): random 256-bit ids,
// a 15 s timeout that drops the connection, and every pending request failed when it closes.
import { randomBytes } from 'node:crypto';
import type { Share } from '../core/index.ts';

export class ShareRequestTimeout extends Error {
  constructor() {
    super('share request timed out');
    this.name = 'ShareRequestTimeout';
  }
}

interface Pending {
  resolve: (shares: Share[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class ShareRequests {
  private readonly pending = new Map<bigint, Pending>();
  private readonly timeoutMs: number;
  private readonly onTimeout: () => void;

  constructor(timeoutMs: number, onTimeout: () => void) {
    this.timeoutMs = timeoutMs;
    this.onTimeout = onTimeout;
  }

  get size(): number {
    return this.pending.size;
  }

  has(id: bigint): boolean {
    return this.pending.has(id);
  }

  /** Register a request; `send(id)` puts it on the wire. */
  start(send: (id: bigint) => void): Promise<Share[]> {
    let id: bigint;
    do id = BigInt('0x' + randomBytes(32).toString('hex'));
    while (id === 0n || this.pending.has(id));
    const promise = new Promise<Share[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ShareRequestTimeout());
        this.onTimeout();
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    send(id);
    return promise;
  }

  resolve(id: bigint, shares: Share[]): void {
    const p = this.take(id);
    p?.resolve(shares);
  }

  fail(id: bigint, e: Error): void {
    this.take(id)?.reject(e);
  }

  failAll(e: Error): void {
    for (const id of [...this.pending.keys()]) this.fail(id, e);
  }

  private take(id: bigint): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(id);
    return p;
  }
}
