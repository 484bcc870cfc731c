// Runs p2pool processes for tests: each a real OS process, with its JSON log lines parsed so tests can
// wait for "listening" lines and read the ports it picked (every port is 0 = any free one).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');

export type LogRecord = Record<string, unknown> & { msg: string; level: string };

export class P2poolProcess {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly logs: LogRecord[] = [];
  stderr = '';
  #waiters = new Set<() => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(name: string, script: string, args: string[]) {
    this.name = name;
    this.proc = spawn(process.execPath, [join(REPO, script), ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    });
    let buf = '';
    this.proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          this.logs.push(JSON.parse(line) as LogRecord);
        } catch {
          this.logs.push({ msg: `unparsed: ${line}`, level: 'invalid' });
        }
      }
      for (const w of this.#waiters) w();
    });
    this.proc.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      for (const w of this.#waiters) w();
    });
    this.exited = new Promise((resolve) =>
      this.proc.once('exit', (code, signal) => {
        for (const w of this.#waiters) w();
        resolve({ code, signal });
      }),
    );
  }

  async waitForLog(pred: (r: LogRecord) => boolean, what: string, ms = 90_000): Promise<LogRecord> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.logs.find(pred);
      if (hit) return hit;
      if (this.proc.exitCode !== null || Date.now() > end) {
        throw new Error(
          `${this.name}: no log line "${what}" (exit ${this.proc.exitCode}); stderr: ${this.stderr.slice(-2000)}; last logs: ${JSON.stringify(this.logs.slice(-5))}`,
        );
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.#waiters.add(() => {
          clearTimeout(t);
          r();
        });
      });
      this.#waiters.clear();
    }
  }

  async ports(): Promise<{ health: number; web?: number; grpc?: number }> {
    const h = await this.waitForLog((r) => r.msg === 'health endpoint listening', 'health endpoint listening');
    const ready = await this.waitForLog((r) => r.msg === 'ready to serve', 'ready to serve');
    const web = this.logs.find((r) => r.msg === 'web listening');
    void ready;
    return { health: Number(h.port), ...(web ? { web: Number(web.port), grpc: Number(web.grpc_port) } : {}) };
  }

  async terminate(signal: NodeJS.Signals = 'SIGTERM', ms = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    const timer = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${this.name} did not exit within ${ms} ms after ${signal}`)), ms).unref(),
    );
    return Promise.race([this.exited, timer]);
  }

  // Last resort in cleanup: never leave a process behind.
  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}

/** The flags every cluster service process a test starts takes: its NATS, the node's prefix, its instance, health on loopback. */
export function clusterServiceArgs(natsUrl: string, prefix: string, instance: string): string[] {
  return ['--nats', natsUrl, '--nats-prefix', prefix, '--instance', instance, '--health-host', '127.0.0.1'];
}

export async function getJson(port: number, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML page
  }
  return { status: res.status, body };
}

export async function eventually<T>(fn: () => Promise<T>, what: string, ms = 30_000, stepMs = 200): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${(last as Error)?.message ?? last}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
