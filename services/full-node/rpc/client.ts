// JSON-RPC 1.0 client for bitcoind/litecoind/btcd over HTTP with basic auth.
// Keep-alive sockets keep getblocktemplate latency at the node's own cost; a separate agent
// is used for long polls so a parked long poll never blocks a submitblock behind it.
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import { RpcAuthError, RpcError, RpcTransportError } from './errors.ts';
import { fullNodeRpcMetrics, rpcMethodLabel } from '../metrics.ts';

export interface RpcClientOptions {
  url: string;
  user: string;
  pass: string;
  /** Name used in messages, e.g. "litecoind". */
  nodeName?: string;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Retries on transport errors (default 0). Never retries an answer from the node. */
  retries?: number;
  /** First backoff delay in ms, doubled each retry (default 250). */
  backoffMs?: number;
  maxBackoffMs?: number;
  maxSockets?: number;
}

export interface CallOptions {
  timeoutMs?: number;
  retries?: number;
  /** Use the long-poll agent (its own sockets). */
  longPoll?: boolean;
  signal?: AbortSignal;
}

const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
  EPIPE: 'connection closed',
  EAI_AGAIN: 'name lookup failed',
};

export class RpcClient {
  readonly url: URL;
  /** Name used in messages; set once the node's kind is known (bitcoind vs btcd). */
  nodeName: string;
  readonly hostPort: string;
  private auth: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly agent: http.Agent;
  private readonly longPollAgent: http.Agent;
  private nextId = 1;

  constructor(opts: RpcClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new Error(`invalid RPC URL "${opts.url}" (expected http://host:port)`);
    }
    if (url.protocol !== 'http:') throw new Error(`invalid RPC URL "${opts.url}": only http:// is supported (use --notls on btcd)`);
    this.url = url;
    this.nodeName = opts.nodeName ?? 'full node';
    this.hostPort = `${url.hostname}:${url.port || 80}`;
    this.auth = 'Basic ' + Buffer.from(`${opts.user}:${opts.pass}`).toString('base64');
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retries = opts.retries ?? 0;
    this.backoffMs = opts.backoffMs ?? 250;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 8 });
    this.longPollAgent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  }

  async call<T = unknown>(method: string, params: unknown[] = [], opts: CallOptions = {}): Promise<T> {
    // Long polls wait for a block by design: their duration says nothing about the node's health.
    if (opts.longPoll) return this.#call<T>(method, params, opts);
    const t0 = performance.now();
    try {
      const r = await this.#call<T>(method, params, opts);
      fullNodeRpcMetrics().duration.record(performance.now() - t0, { method: rpcMethodLabel(method) });
      return r;
    } catch (e) {
      fullNodeRpcMetrics().errors.add(1, {
        method: rpcMethodLabel(method),
        kind: e instanceof RpcTransportError ? 'transport' : e instanceof RpcAuthError ? 'auth' : 'rpc',
      });
      throw e;
    }
  }

  async #call<T>(method: string, params: unknown[], opts: CallOptions): Promise<T> {
    const retries = opts.retries ?? this.retries;
    let delay = this.backoffMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(method, params, opts);
      } catch (err) {
        if (!(err instanceof RpcTransportError) || attempt >= retries || opts.signal?.aborted) throw err;
        // An abort ends the wait early; the loop then sees the signal.
        await sleep(delay, undefined, { signal: opts.signal }).catch(() => undefined);
        delay = Math.min(delay * 2, this.maxBackoffMs);
      }
    }
  }

  /** Cookie auth changes on every node restart, so the caller re-reads it after an auth error. */
  setCredentials(user: string, pass: string): void {
    this.auth = 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
  }

  close(): void {
    this.agent.destroy();
    this.longPollAgent.destroy();
  }

  private once<T>(method: string, params: unknown[], opts: CallOptions): Promise<T> {
    const body = JSON.stringify({ jsonrpc: '1.0', id: this.nextId++, method, params });
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const req = http.request(
        {
          host: this.url.hostname,
          port: this.url.port || 80,
          path: this.url.pathname || '/',
          method: 'POST',
          agent: opts.longPoll ? this.longPollAgent : this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: this.auth,
          },
          signal: opts.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(this.transportError(e)));
          res.on('end', () => {
            clearTimeout(timer);
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (status === 401 || status === 403) {
              reject(
                new RpcAuthError(
                  `RPC auth rejected by ${this.nodeName} at ${this.hostPort} (HTTP ${status}): check rpcuser/rpcpassword or the cookie file`,
                ),
              );
              return;
            }
            let parsed: { result?: unknown; error?: { code: number; message: string } | null } | undefined;
            try {
              parsed = JSON.parse(text);
            } catch {
              // Core answers 500 "Work queue depth exceeded" and 503 while warming up as plain text.
              const detail = text.trim().slice(0, 200) || res.statusMessage || '';
              reject(
                new RpcTransportError(
                  `${this.nodeName} at ${this.hostPort} answered HTTP ${status}${detail ? `: ${detail}` : ''}`,
                  `HTTP_${status}`,
                ),
              );
              return;
            }
            if (parsed?.error) {
              reject(new RpcError(method, parsed.error.code, parsed.error.message));
              return;
            }
            if (!parsed || !('result' in parsed)) {
              reject(
                new RpcTransportError(`${this.nodeName} at ${this.hostPort} sent a reply without result (HTTP ${status})`, 'BAD_REPLY'),
              );
              return;
            }
            resolve(parsed.result as T);
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy(
          new RpcTransportError(`${this.nodeName} at ${this.hostPort} did not answer ${method} within ${timeoutMs} ms`, 'ETIMEDOUT'),
        );
      }, timeoutMs);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e instanceof RpcTransportError ? e : this.transportError(e));
      });
      req.end(body);
    });
  }

  private transportError(e: Error & { code?: string }): Error {
    if (e.name === 'AbortError') return e;
    const code = e.code ?? 'EIO';
    const text = ERRNO_TEXT[code] ?? e.message;
    return new RpcTransportError(`cannot reach ${this.nodeName} at ${this.hostPort}: ${text}`, code, { cause: e });
  }
}

/** A host as it goes into an http:// URL (IPv6 literals in brackets). */
export function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
