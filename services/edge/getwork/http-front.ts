// HTTP on the worker port: getwork JSON-RPC (POST, and GET /long-polling), long polling, and
// every other GET handed to a pluggable web handler (the reference's JSON endpoints; the
// dashboard comes later). Sockets arrive already sniffed from the shared listener.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EdgeContext } from '../edge-context.ts';
import { GetworkService } from './getwork.ts';
import { LongPollRegistry } from './long-poll.ts';
import { identify } from '../stratum/handlers/authorize.ts';
import { StratumError } from '../stratum/errors.ts';
import { WorkUnavailableError } from '../work-source.ts';
import { INVALID_REQUEST, METHOD_NOT_FOUND, P2POOL_ERROR, PARSE_ERROR } from '../codec/jsonrpc.ts';
import type { Identity } from '../stratum/session.ts';

export type WebHandler = (req: IncomingMessage, res: ServerResponse) => void;

const MAX_BODY = 64 * 1024;

export class HttpFront {
  readonly server: Server;
  readonly getwork: GetworkService;
  readonly longPolls = new LongPollRegistry();
  private readonly ctx: EdgeContext;
  private readonly web: WebHandler | null;

  constructor(ctx: EdgeContext, web: WebHandler | null) {
    this.ctx = ctx;
    this.web = web;
    this.getwork = new GetworkService(ctx);
    // libcurl-based miners (cpuminer, cgminer's getwork) send `Transfer-Encoding: chunked` AND
    // `Content-Length` on every request, which Node's strict parser answers with 400 before any
    // of our code runs. The lenient parser is scoped to this server, i.e. the worker port only;
    // the web port keeps the strict one (docs/miners.md).
    this.server = createServer(
      {
        headersTimeout: 10_000,
        requestTimeout: 30_000,
        keepAliveTimeout: 5_000,
        insecureHTTPParser: true,
      },
      (req, res) => this.route(req, res),
    );
  }

  /** Takes over a socket the listener sniffed as HTTP (its first bytes are unshifted back). */
  adopt(socket: Socket): void {
    this.server.emit('connection', socket);
    socket.resume();
  }

  /** A new-work event: answer every parked long poll with fresh work. */
  onNewWork(): void {
    this.longPolls.release(this.ctx.workId, Date.now());
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const longPoll = path === '/long-polling';
    if (req.method === 'POST') {
      this.readBody(req, res, (body) => this.rpc(req, res, body, longPoll));
    } else if (req.method === 'GET' && longPoll) {
      this.rpc(req, res, '{"id":0,"method":"getwork","params":[]}', true);
    } else if (this.web !== null && (req.method === 'GET' || req.method === 'HEAD')) {
      this.web(req, res);
    } else {
      res.writeHead(404, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
      res.end('null');
    }
  }

  private readBody(req: IncomingMessage, res: ServerResponse, done: (body: string) => void): void {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { Connection: 'close' });
        res.end();
        req.destroy();
        return;
      }
      parts.push(c);
    });
    req.on('end', () => {
      if (size <= MAX_BODY) done(Buffer.concat(parts).toString('utf8'));
    });
  }

  private headers(req: IncomingMessage): Record<string, string> {
    const h: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Long-Polling': '/long-polling',
      'X-Roll-NTime': `expire=${this.ctx.config.getworkRollNtimeSeconds}`,
      'X-Is-P2Pool': 'true',
    };
    if (req.headers.host) h['X-Stratum'] = `stratum+tcp://${req.headers.host}`;
    return h;
  }

  private send(
    req: IncomingMessage,
    res: ServerResponse,
    id: unknown,
    result: unknown,
    error: unknown,
    rejectReason: string | null = null,
  ): void {
    if (res.writableEnded || res.destroyed) return;
    const headers = this.headers(req);
    if (rejectReason !== null) headers['X-Reject-Reason'] = rejectReason;
    res.writeHead(200, headers);
    res.end(JSON.stringify({ result, error, id: id ?? null }));
  }

  private identity(req: IncomingMessage): Identity {
    const auth = req.headers.authorization;
    let username = '';
    if (auth?.startsWith('Basic ')) {
      const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      username = colon >= 0 ? decoded.slice(0, colon) : decoded;
    }
    return identify(this.ctx, username, Date.now());
  }

  private rpc(req: IncomingMessage, res: ServerResponse, body: string, longPoll: boolean): void {
    const ctx = this.ctx;
    ctx.counters.getworkRequests++;
    let msg: { id?: unknown; method?: unknown; params?: unknown };
    try {
      msg = JSON.parse(body);
    } catch {
      this.send(req, res, null, null, { code: PARSE_ERROR, message: 'Parse error', data: null });
      return;
    }
    if (msg === null || typeof msg !== 'object') {
      this.send(req, res, null, null, { code: INVALID_REQUEST, message: 'Invalid Request', data: null });
      return;
    }
    if (msg.method !== 'getwork') {
      this.send(req, res, msg.id, null, { code: METHOD_NOT_FOUND, message: 'Method not found', data: null });
      return;
    }
    let id: Identity;
    try {
      id = this.identity(req);
    } catch (e) {
      const code = e instanceof StratumError ? e.code : P2POOL_ERROR;
      this.send(req, res, msg.id, null, { code, message: e instanceof Error ? e.message : 'error', data: null });
      return;
    }
    const params = Array.isArray(msg.params) ? msg.params : [];
    if (params.length > 0) {
      const r = this.getwork.submit(id, params[0], Date.now());
      if (r.stored === undefined) {
        this.send(req, res, msg.id, r.ok, null, r.reason);
        return;
      }
      // A share is "accepted" only once it is stored (cluster: the edge's JetStream queue, docs/bus.md).
      r.stored.then(
        () => this.send(req, res, msg.id, r.ok, null, r.reason),
        () => {
          ctx.counters.unstored++;
          this.send(req, res, msg.id, false, null, 'share-not-stored');
        },
      );
      return;
    }
    const answer = (): void => this.answerWork(req, res, msg.id, id);
    if (!longPoll) {
      answer();
      return;
    }
    const key = `${req.socket.remoteAddress ?? ''}|${req.headers.authorization ?? ''}`;
    if (this.longPolls.shouldAnswerNow(key, ctx.workId, Date.now()) || ctx.draining) {
      answer();
      return;
    }
    const unpark = this.longPolls.park({ key, answer });
    res.on('close', unpark);
  }

  private answerWork(req: IncomingMessage, res: ServerResponse, rpcId: unknown, id: Identity): void {
    try {
      const ua = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : '';
      const clientKey = `${req.socket.remoteAddress ?? ''}|${id.username}`;
      this.send(req, res, rpcId, this.getwork.issue(id, ua, Date.now(), clientKey), null);
    } catch (e) {
      const message = e instanceof WorkUnavailableError ? e.message : e instanceof Error ? e.message : 'error';
      this.send(req, res, rpcId, null, { code: P2POOL_ERROR, message, data: null });
    }
  }
}
