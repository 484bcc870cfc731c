// A stratum v1 connection: newline-framed JSON-RPC over TCP (docs/protocol.md §8.3). Requests get ids and
// promises (with a timeout); server-initiated calls (mining.notify, mining.set_difficulty,
// client.reconnect, ...) go to one handler. Nothing here knows about mining.
import { connect, type Socket } from 'node:net';

export interface RpcError {
  code: number;
  message: string;
}

export interface RpcReply {
  result: unknown;
  error: RpcError | null;
}

export type ServerCallHandler = (method: string, params: unknown[]) => void;

const MAX_LINE = 1 << 20;

export class StratumConnection {
  private readonly socket: Socket;
  private buf = '';
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: RpcReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly timeoutMs: number;
  onCall: ServerCallHandler = () => {};
  onClose: (why: string) => void = () => {};
  closed = false;

  private constructor(socket: Socket, timeoutMs: number) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (d: string) => this.onData(d));
    let why = 'connection closed';
    socket.on('error', (e) => {
      why = e.message;
    });
    socket.once('close', () => this.finish(why));
  }

  static open(host: string, port: number, timeoutMs = 10_000): Promise<StratumConnection> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port });
      const t = setTimeout(() => {
        s.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(t);
        s.removeAllListeners('error');
        resolve(new StratumConnection(s, timeoutMs));
      });
      s.once('error', (e) => {
        clearTimeout(t);
        reject(new Error(`cannot connect to ${host}:${port}: ${e.message}`));
      });
    });
  }

  request(method: string, params: unknown[]): Promise<RpcReply> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no reply to ${method} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.write(JSON.stringify({ id, method, params }) + '\n');
    });
  }

  /** Requests still waiting for their reply. */
  get inFlight(): number {
    return this.pending.size;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(d: string): void {
    this.buf += d;
    if (this.buf.length > MAX_LINE && this.buf.indexOf('\n') < 0) {
      this.socket.destroy(new Error('line too long from the pool'));
      return;
    }
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).trim();
      this.buf = this.buf.slice(nl + 1);
      if (line !== '') this.onLine(line);
    }
  }

  private onLine(line: string): void {
    let msg: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    } // a pool's garbage line is not worth dropping the connection
    if (typeof msg.method === 'string') {
      // Server → client call; a reply is owed only for ids we can answer (client.get_version etc.).
      const params = Array.isArray(msg.params) ? msg.params : [];
      if (msg.method === 'client.get_version' && msg.id !== undefined && msg.id !== null) {
        this.socket.write(JSON.stringify({ id: msg.id, result: 'p2pool-ts-cpu-miner/0.1', error: null }) + '\n');
      }
      this.onCall(msg.method, params);
      return;
    }
    if (typeof msg.id !== 'number') return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    // Stratum v1 sends `[code, "message", traceback]`; JSON-RPC 2.0 pools send an object.
    const raw = msg.error;
    const e = (Array.isArray(raw) ? { code: raw[0], message: raw[1] } : raw) as { code?: unknown; message?: unknown } | null | undefined;
    p.resolve({
      result: msg.result ?? null,
      error: e ? { code: Number(e.code ?? -1), message: String(e.message ?? 'error') } : null,
    });
  }

  private finish(why: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`connection closed: ${why}`));
    }
    this.pending.clear();
    this.onClose(why);
  }
}
