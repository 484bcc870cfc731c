// A child process that must not outlive the test run: killed on stop(), on process exit, and on
// SIGINT/SIGTERM of the runner. Keeps the tail of its output for error messages.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const cleanup = () => {
    for (const c of live) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const d of tempDirs) {
      try {
        rmSync(d, { recursive: true, force: true });
      } catch {
        /* best effort */
      }
    }
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      cleanup();
      process.exit(130);
    });
  }
}

/** Removed at exit even when a test forgets to stop its node. */
export function registerTempDir(dir: string): void {
  hookExit();
  tempDirs.add(dir);
}

export function removeTempDir(dir: string): void {
  tempDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

export class Daemon {
  readonly name: string;
  readonly child: ChildProcess;
  private tail = '';
  readonly exited: Promise<number | null>;

  constructor(name: string, bin: string, args: string[]) {
    hookExit();
    this.name = name;
    this.child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this.child);
    const keep = (b: Buffer) => {
      this.tail = (this.tail + b.toString('utf8')).slice(-4000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code) => {
        live.delete(this.child);
        resolve(code);
      });
      this.child.on('error', (e) => {
        this.tail += `\nspawn error: ${e.message}`;
        live.delete(this.child);
        resolve(-1);
      });
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && live.has(this.child);
  }

  output(): string {
    return this.tail;
  }

  /**
   * SIGTERM (both nodes shut down cleanly on it), SIGKILL after graceMs. `doneMarker` is the line a
   * daemon prints when its shutdown is complete: litecoind sometimes lingers for good after
   * "Shutdown: done" when an RPC request was in flight, so it is killed shortly after that line.
   */
  async stop(graceMs = 15_000, doneMarker?: string): Promise<void> {
    if (!this.running) {
      await this.exited;
      return;
    }
    this.child.kill('SIGTERM');
    const deadline = Date.now() + graceMs;
    let markerAt: number | undefined;
    const poll = setInterval(() => {
      if (doneMarker && markerAt === undefined && this.tail.includes(doneMarker)) markerAt = Date.now();
      if (Date.now() > deadline || (markerAt !== undefined && Date.now() - markerAt > 500)) this.child.kill('SIGKILL');
    }, 50);
    await this.exited;
    clearInterval(poll);
  }

  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}
