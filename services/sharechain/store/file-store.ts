// Append-only share store under the data dir (docs/protocol.md §7.4): files shares.0, shares.1, … of CRC-checked
// lines (line-format.ts). Appends are group-committed: everything queued while a write+fdatasync is in
// flight goes out in the next single write, so a burst of shares costs one sync, and each caller's
// promise resolves only after its lines are on disk. A SIGKILL can only cut the batch being written:
// those callers were never answered, and the torn tail is detected at the next start and cut off.
import { closeSync, mkdirSync, openSync, readdirSync, readSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ByteArena } from '../../core/index.ts';
import { decodeLineBytes, encodeLine } from './line-format.ts';
import type { DroppedRecord, LoadResult, ShareStore, StoreLoadOptions, StoreRecord } from './types.ts';

export interface FileStoreOptions {
  /** Start a new file once the current one reaches this size (the reference: 10,000,000 bytes). */
  maxFileBytes?: number;
  /** fdatasync each batch (default true; false only for throwaway benches). */
  sync?: boolean;
  /** Read buffer of load() (default 1 MiB; grown for a longer line). Small values are for tests. */
  readBufferBytes?: number;
}

interface FileInfo {
  index: number;
  path: string;
  /** Shares recorded in this file that the tracker still holds. */
  live: number;
}

interface Pending {
  data: string;
  resolve: () => void;
  reject: (e: Error) => void;
}

const FILE_RE = /^shares\.(\d+)$/;

export class FileShareStore implements ShareStore {
  readonly dir: string;
  readonly describe: string;
  private readonly maxFileBytes: number;
  private readonly sync: boolean;
  private readonly readBufferBytes: number;
  private readonly files = new Map<number, FileInfo>();
  private readonly fileOf = new Map<bigint, number>();
  private current = 0;
  private currentSize = 0;
  private fh: FileHandle | null = null;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private loaded = false;
  private closed = false;

  constructor(dir: string, opts: FileStoreOptions = {}) {
    this.dir = dir;
    this.describe = `file ${dir}`;
    this.maxFileBytes = opts.maxFileBytes ?? 10_000_000;
    this.sync = opts.sync ?? true;
    this.readBufferBytes = Math.max(1, opts.readBufferBytes ?? 1 << 20);
  }

  private indexes(): number[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .map((n) => FILE_RE.exec(n))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  async load(opts: StoreLoadOptions = {}): Promise<LoadResult> {
    mkdirSync(this.dir, { recursive: true });
    const indexes = this.indexes();
    const sizes = indexes.map((i) => statSync(join(this.dir, `shares.${i}`)).size);
    const totalBytes = sizes.reduce((a, b) => a + b, 0) || 1;
    let readBytes = 0;
    let records = 0;
    const shares: LoadResult['shares'] = [];
    const verified = new Set<bigint>();
    const dropped: DroppedRecord[] = [];
    const seen = new Set<bigint>();

    // Files are streamed through one read buffer (grown only for a line longer than it): a share's
    // bytes are decoded into the arena, so nothing the tracker keeps pins a read buffer or Node's pool.
    let buf = Buffer.allocUnsafeSlow(this.readBufferBytes);
    const arena = new ByteArena();
    const alloc = (n: number): Buffer => arena.alloc(n);
    for (let k = 0; k < indexes.length; k++) {
      const index = indexes[k]!;
      const path = join(this.dir, `shares.${index}`);
      const info: FileInfo = { index, path, live: 0 };
      this.files.set(index, info);
      const fd = openSync(path, 'r');
      /** File offset of buf[0]; buf[start, filled) is what is not yet consumed. */
      let base = 0;
      let filled = 0;
      let start = 0;
      let eof = false;
      let lineNo = 0;
      try {
        for (;;) {
          let nl = buf.indexOf(10, start);
          if (nl >= filled) nl = -1;
          if (nl < 0) {
            if (!eof) {
              // Keep the partial line, move it to the front (or grow the buffer for it), read on.
              if (start > 0) {
                buf.copyWithin(0, start, filled);
                base += start;
                filled -= start;
                start = 0;
              }
              if (filled === buf.length) {
                const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
                buf.copy(bigger, 0, 0, filled);
                buf = bigger;
              }
              const n = readSync(fd, buf, filled, buf.length - filled, base + filled);
              if (n === 0) eof = true;
              filled += n;
              continue;
            }
            if (start < filled) {
              // A line without its newline: the tail of a write cut short (SIGKILL, power loss).
              dropped.push({ where: `shares.${index}:${lineNo + 1}`, reason: `torn line (${filled - start} bytes without newline)` });
              if (k === indexes.length - 1) truncateSync(path, base + start);
            }
            break;
          }
          lineNo++;
          const lineStart = start;
          start = nl + 1;
          if (nl === lineStart) continue;
          records++;
          const d = decodeLineBytes(buf, lineStart, nl, alloc);
          if (!d.ok) {
            dropped.push({ where: `shares.${index}:${lineNo}`, reason: d.reason });
            continue;
          }
          const r = d.record;
          if (r.kind === 'verified') verified.add(r.hash);
          else if (r.kind === 'share') {
            let hash: bigint | null = null;
            if (opts.identify) {
              hash = opts.identify(r.packed);
              if (hash === null) {
                dropped.push({ where: `shares.${index}:${lineNo}`, reason: 'not a valid share' });
                continue;
              }
              if (seen.has(hash)) continue;
              seen.add(hash);
              this.fileOf.set(hash, index);
              info.live++;
              // The caller keeps what it parsed; holding the bytes here too would double the peak.
              if (!opts.keepPacked) continue;
            }
            shares.push({ hash, packed: r.packed });
          }
          if ((records & 1023) === 0) opts.onProgress?.({ fraction: Math.min(1, (readBytes + base + start) / totalBytes), records });
        }
      } finally {
        closeSync(fd);
      }
      readBytes += sizes[k]!;
    }
    opts.onProgress?.({ fraction: 1, records });
    this.current = indexes.length ? indexes[indexes.length - 1]! : 0;
    this.currentSize = indexes.length ? statSync(join(this.dir, `shares.${this.current}`)).size : 0;
    if (!this.files.has(this.current))
      this.files.set(this.current, { index: this.current, path: join(this.dir, `shares.${this.current}`), live: 0 });
    // Files none of whose shares survived (all dropped or duplicated elsewhere) are dead weight.
    if (opts.identify) for (const f of [...this.files.values()]) if (f.live === 0 && f.index !== this.current) this.deleteFile(f);
    this.loaded = true;
    return { shares, verified, dropped };
  }

  append(records: readonly StoreRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('share store is closed'));
    if (!records.length) return Promise.resolve();
    let data = '';
    for (const r of records) {
      data += encodeLine(r);
      if (r.kind === 'share' && !this.fileOf.has(r.hash)) {
        this.fileOf.set(r.hash, -1); // assigned to a file when written
      }
    }
    const hashes = records.filter((r) => r.kind === 'share').map((r) => r.hash);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({
        data,
        resolve: () => {
          for (const h of hashes)
            if (this.fileOf.get(h) === -1) {
              this.fileOf.set(h, this.current);
              this.files.get(this.current)!.live++;
            }
          resolve();
        },
        reject,
      });
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue;
        this.queue = [];
        try {
          if (!this.loaded) await this.load();
          if (this.currentSize >= this.maxFileBytes) await this.rotate();
          this.fh ??= await open(join(this.dir, `shares.${this.current}`), 'a');
          const buf = Buffer.from(batch.map((p) => p.data).join(''), 'latin1');
          // One write per batch; O_APPEND keeps it at the end even if the size is off.
          let off = 0;
          while (off < buf.length) off += (await this.fh.write(buf, off, buf.length - off)).bytesWritten;
          if (this.sync) await this.fh.datasync();
          this.currentSize += buf.length;
          for (const p of batch) p.resolve();
        } catch (e) {
          for (const p of batch) p.reject(e as Error);
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private async rotate(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
    this.current++;
    this.currentSize = 0;
    this.files.set(this.current, { index: this.current, path: join(this.dir, `shares.${this.current}`), live: 0 });
  }

  forget(hashes: Iterable<bigint>): void {
    for (const h of hashes) {
      const idx = this.fileOf.get(h);
      if (idx === undefined) continue;
      this.fileOf.delete(h);
      const f = this.files.get(idx);
      if (!f) continue;
      f.live--;
      if (f.live <= 0 && f.index !== this.current) this.deleteFile(f);
    }
  }

  private deleteFile(f: FileInfo): void {
    this.files.delete(f.index);
    if (this.loaded) unlink(f.path).catch(() => {});
    else
      try {
        unlinkSync(f.path);
      } catch {
        /* already gone */
      }
  }

  /** Files currently on disk (for tests and the status page). */
  fileCount(): number {
    return this.files.size;
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.closed = true;
    await this.fh?.close();
    this.fh = null;
  }
}
