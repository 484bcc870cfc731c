// The log file: appended through an asynchronous stream (a log line never waits for the disk on the
// path that emitted it), rotated by size and bounded in count: p2pool.log, p2pool.log.1 ... .N, the
// oldest dropped. If the disk stalls, at most MAX_PENDING bytes wait in memory; beyond that lines are
// dropped and counted, and the count is written once the disk keeps up again.
import { createWriteStream, statSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';

export interface LogFileOptions {
  /** Rotate when the current file would pass this size (default 10 MiB). */
  maxBytes?: number;
  /** Rotated files kept besides the current one (default 5). */
  keep?: number;
}

const MAX_PENDING = 8 * 1024 * 1024;

export class LogFile {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private stream: WriteStream | null = null;
  private size = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private dropped = 0;
  private rotating: Promise<void> | null = null;
  private closed = false;

  constructor(path: string, opts: LogFileOptions = {}) {
    this.path = path;
    this.maxBytes = opts.maxBytes ?? 10 * 1024 * 1024;
    this.keep = opts.keep ?? 5;
    try {
      this.size = statSync(path).size;
    } catch {
      this.size = 0;
    }
    this.open();
  }

  private open(): void {
    this.stream = createWriteStream(this.path, { flags: 'a' });
    // A full or vanished disk must not take the node down; the console still has the line.
    this.stream.on('error', () => undefined);
  }

  write(line: string): void {
    if (this.closed) return;
    const bytes = Buffer.byteLength(line);
    if (this.rotating !== null || (this.stream !== null && this.stream.writableLength > MAX_PENDING)) {
      if (this.pendingBytes + bytes > MAX_PENDING) {
        this.dropped++;
        return;
      }
      this.pending.push(line);
      this.pendingBytes += bytes;
      return;
    }
    if (this.size + bytes > this.maxBytes && this.size > 0) {
      this.pending.push(line);
      this.pendingBytes += bytes;
      this.rotating = this.rotate().finally(() => {
        this.rotating = null;
        this.flushPending();
      });
      return;
    }
    this.put(line, bytes);
  }

  private put(line: string, bytes: number): void {
    if (this.dropped > 0) {
      const note =
        JSON.stringify({
          time: new Date().toISOString(),
          level: 'warn',
          msg: `${this.dropped} log lines dropped: the disk did not keep up`,
        }) + '\n';
      this.dropped = 0;
      this.stream!.write(note);
      this.size += note.length;
    }
    this.stream!.write(line);
    this.size += bytes;
  }

  private flushPending(): void {
    const lines = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    for (const l of lines) this.write(l);
  }

  private async rotate(): Promise<void> {
    const old = this.stream!;
    await new Promise<void>((r) => old.end(r));
    await rm(`${this.path}.${this.keep}`, { force: true }).catch(() => undefined);
    for (let i = this.keep - 1; i >= 1; i--) await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(() => undefined);
    await rename(this.path, `${this.path}.1`).catch(() => undefined);
    this.size = 0;
    if (!this.closed) this.open();
  }

  /** Writes what is pending and closes the file. */
  async close(): Promise<void> {
    while (this.rotating !== null) await this.rotating;
    this.flushPending();
    this.closed = true;
    const s = this.stream;
    this.stream = null;
    if (s !== null) await new Promise<void>((r) => s.end(r));
  }
}
