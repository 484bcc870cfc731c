// A real nats-server (Debian package, installed by scripts/setup.d/20-nats-server.sh) for tests:
// JetStream on, loopback only, a free port, a temp store dir. It can be killed and started again on
// the same port and store, to test that clients reconnect and nothing acknowledged is lost.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class NatsServer {
  readonly port: number;
  readonly storeDir: string;
  #proc: ChildProcess | undefined;
  #stderr = '';

  /** Clients must present this token (nats-server --auth), when set. */
  readonly token: string | undefined;

  private constructor(port: number, storeDir: string, token?: string) {
    this.port = port;
    this.storeDir = storeDir;
    this.token = token;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(opts: { token?: string } = {}): Promise<NatsServer> {
    const s = await NatsServer.prepare(opts);
    await s.restart();
    return s;
  }

  // Port and store chosen, server not started yet (call restart()).
  static async prepare(opts: { token?: string } = {}): Promise<NatsServer> {
    return new NatsServer(await freePort(), mkdtempSync(join(tmpdir(), 'p2pool-nats-')), opts.token);
  }

  async restart(): Promise<void> {
    if (this.#proc) throw new Error('nats-server already running');
    this.#stderr = '';
    const auth = this.token === undefined ? [] : ['--auth', this.token];
    const proc = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir, ...auth], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr!.on('data', (d: Buffer) => {
      this.#stderr += d.toString();
    });
    this.#proc = proc;
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code) => reject(new Error(`nats-server exited (${code}): ${this.#stderr}`))),
    );
    await Promise.race([this.#waitReady(), exited]);
  }

  async #waitReady(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (this.#stderr.includes('Server is ready')) {
        if (await canConnect(this.port)) return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`nats-server did not become ready: ${this.#stderr}`);
  }

  // SIGKILL: the server vanishes as in a crash, no lame-duck goodbye to clients.
  async kill(): Promise<void> {
    const p = this.#proc;
    if (!p) return;
    this.#proc = undefined;
    if (p.exitCode !== null) return;
    const gone = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
