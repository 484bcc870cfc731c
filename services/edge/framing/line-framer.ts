// Stratum v1 framing: one JSON document per '\n'-terminated line. The reference (Twisted's
// LineReceiver) drops the connection once a line exceeds 16 KiB; we do the same, and we
// remember when the current partial line started so the sweeper can cut slow-loris senders.

export const MAX_LINE_BYTES = 16 * 1024;

export type LineHandler = (line: string) => void;

export class LineFramer {
  readonly maxLine: number;
  private readonly onLine: LineHandler;
  private pending: Buffer | null = null;
  /** Time (ms) at which the currently unterminated line began; 0 when none is pending. */
  partialSince = 0;

  constructor(onLine: LineHandler, maxLine = MAX_LINE_BYTES) {
    this.onLine = onLine;
    this.maxLine = maxLine;
  }

  get pendingBytes(): number {
    return this.pending === null ? 0 : this.pending.length;
  }

  /**
   * Feeds bytes; calls onLine for each complete non-empty line (without '\r\n').
   * Returns false when a line is over the limit: the caller must drop the connection, and no
   * further lines are delivered from this chunk.
   */
  push(chunk: Buffer, now = 0): boolean {
    let start = 0;
    let nl = chunk.indexOf(10);
    if (this.pending !== null && nl >= 0) {
      // Join only the tail of the pending line with the head of this chunk.
      if (this.pending.length + nl > this.maxLine) return this.overflow();
      const joined = Buffer.concat([this.pending, chunk.subarray(0, nl)]);
      this.pending = null;
      this.partialSince = 0;
      this.emit(joined, 0, joined.length);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    while (nl >= 0) {
      if (nl - start > this.maxLine) return this.overflow();
      this.emit(chunk, start, nl);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.length) {
      const restLen = chunk.length - start;
      const have = this.pending === null ? 0 : this.pending.length;
      if (have + restLen > this.maxLine) return this.overflow();
      // Copy: the socket may reuse or retain the chunk's underlying memory.
      this.pending = this.pending === null ? Buffer.from(chunk.subarray(start)) : Buffer.concat([this.pending, chunk.subarray(start)]);
      if (this.partialSince === 0) this.partialSince = now || 1;
    }
    return true;
  }

  reset(): void {
    this.pending = null;
    this.partialSince = 0;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    if (end > start && buf[end - 1] === 13) end--;
    if (end <= start) return;
    this.onLine(buf.toString('utf8', start, end));
  }

  private overflow(): false {
    this.pending = null;
    this.partialSince = 0;
    return false;
  }
}
