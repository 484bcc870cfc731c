// The cluster bus: NATS core request/reply on per-method subjects with a queue group per service,
// core pub/sub for events, JetStream for what must survive restarts (streams, KV). The client
// reconnects forever; while NATS is away, calls wait and retry (rpc.ts) and readiness reports it.
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import {
  connect,
  credsAuthenticator,
  headers as natsHeaders,
  ClosedConnectionError,
  DrainingConnectionError,
  NoRespondersError,
  RequestError,
  TimeoutError,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { RpcCode, RpcError } from './errors.ts';
import { bucketName, eventSubject, rpcQueue, rpcSubject, streamName, validPrefix, DEFAULT_PREFIX } from './subjects.ts';
import type {
  Bus,
  BusMessage,
  BusState,
  Closer,
  ConsumeOptions,
  Headers,
  KvEntry,
  KvSpec,
  KvStore,
  PersistResult,
  QueuedMessage,
  Reply,
  RequestHandler,
  RequestOptions,
  StoredMessage,
  StreamSpec,
} from './types.ts';

export interface NatsBusOptions {
  // nats://host:port, comma-separated for several servers.
  url: string;
  prefix?: string;
  // Client name shown by the server (monitoring, logs).
  name?: string;
  // NATS credentials file (JWT + nkey seed), for operator-managed accounts.
  credsFile?: string;
  // File holding a bare auth token (e.g. a mounted Kubernetes Secret).
  tokenFile?: string;
  // Replicas for streams and KV buckets whose spec does not say.
  replicas?: number;
}

export class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  readonly prefix: string;
  readonly #nc: NatsConnection;
  readonly #replicas: number;
  #js: JetStreamClient | undefined;
  #jsm: Promise<JetStreamManager> | undefined;
  #streams = new Map<string, Promise<void>>();
  #state: BusState = 'connected';
  #listeners = new Set<(s: BusState) => void>();
  #serving = new Set<Subscription>();
  #subs = new Set<Subscription>();
  #inflight = new Set<Promise<unknown>>();

  private constructor(nc: NatsConnection, prefix: string, replicas: number) {
    this.#nc = nc;
    this.prefix = prefix;
    this.#replicas = replicas;
    void this.#watchStatus();
  }

  static async connect(opts: NatsBusOptions): Promise<NatsBus> {
    const prefix = validPrefix(opts.prefix ?? DEFAULT_PREFIX);
    const nc = await connect({
      servers: opts.url
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      name: opts.name,
      // Never give up: in Kubernetes NATS may come up after us or restart under us.
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      pingInterval: 5_000,
      maxPingOut: 2,
      ...(opts.credsFile ? { authenticator: credsAuthenticator(readFileSync(opts.credsFile)) } : {}),
      ...(opts.tokenFile ? { token: readFileSync(opts.tokenFile, 'utf8').trim() } : {}),
    });
    return new NatsBus(nc, prefix, opts.replicas ?? 1);
  }

  async #watchStatus(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (s.type === 'disconnect') this.#setState('disconnected');
      else if (s.type === 'reconnect') this.#setState('connected');
    }
    this.#setState('closed');
  }

  #setState(s: BusState): void {
    if (this.#state === s || this.#state === 'closed') return;
    this.#state = s;
    for (const l of this.#listeners) l(s);
  }

  async request(service: string, method: string, data: Uint8Array, opts: RequestOptions): Promise<Reply> {
    const subject = rpcSubject(this.prefix, service, method);
    try {
      const msg = await this.#nc.request(subject, data, { timeout: opts.timeoutMs, headers: toNatsHeaders(opts.headers) });
      return { data: msg.data, headers: fromNatsHeaders(msg.headers) };
    } catch (e) {
      throw mapNatsError(e, subject, opts.timeoutMs);
    }
  }

  async serve(service: string, methods: string[], handler: RequestHandler): Promise<Closer> {
    const queue = rpcQueue(this.prefix, service);
    const subs = methods.map((method) => {
      const sub = this.#nc.subscribe(rpcSubject(this.prefix, service, method), {
        queue,
        callback: (err, msg) => {
          if (err) return;
          this.#track(this.#answer(msg, method, handler));
        },
      });
      this.#serving.add(sub);
      return sub;
    });
    // Make sure the server has the subscriptions before we call ourselves ready.
    await this.#nc.flush().catch(() => undefined);
    return {
      close: async () => {
        await Promise.allSettled(subs.map((s) => s.drain()));
        for (const s of subs) this.#serving.delete(s);
      },
    };
  }

  async #answer(msg: Msg, method: string, handler: RequestHandler): Promise<void> {
    const reply = await handler(method, msg.data, fromNatsHeaders(msg.headers));
    if (!msg.reply) return;
    try {
      msg.respond(reply.data, { headers: toNatsHeaders(reply.headers) });
    } catch {
      // The connection closed under us; the caller times out and retries elsewhere.
    }
  }

  async publish(topic: string, data: Uint8Array, headers?: Headers): Promise<void> {
    try {
      this.#nc.publish(eventSubject(this.prefix, topic), data, { headers: toNatsHeaders(headers) });
    } catch (e) {
      throw mapNatsError(e, topic, 0);
    }
  }

  async subscribe(topic: string, handler: (msg: BusMessage) => void | Promise<void>, opts: { queue?: string } = {}): Promise<Closer> {
    const sub = this.#nc.subscribe(eventSubject(this.prefix, topic), {
      ...(opts.queue ? { queue: `${this.prefix}.${opts.queue}` } : {}),
      callback: (err, msg) => {
        if (err) return;
        const p = Promise.resolve()
          .then(() => handler({ subject: msg.subject, data: msg.data, headers: fromNatsHeaders(msg.headers) }))
          .catch(() => undefined);
        this.#track(p);
      },
    });
    this.#subs.add(sub);
    await this.#nc.flush().catch(() => undefined);
    return {
      close: async () => {
        await sub.drain().catch(() => undefined);
        this.#subs.delete(sub);
      },
    };
  }

  #jetstream(): JetStreamClient {
    this.#js ??= jetstream(this.#nc);
    return this.#js;
  }

  #manager(): Promise<JetStreamManager> {
    this.#jsm ??= jetstreamManager(this.#nc).catch((e) => {
      this.#jsm = undefined;
      throw this.#jetstreamHint(e);
    });
    return this.#jsm;
  }

  // Creates the stream, or brings an existing one to the configured limits.
  #ensureStream(spec: StreamSpec): Promise<void> {
    const name = streamName(this.prefix, spec.name);
    let p = this.#streams.get(name);
    if (!p) {
      p = (async () => {
        const jsm = await this.#manager();
        const config = {
          name,
          subjects: spec.topics.map((t) => eventSubject(this.prefix, t)),
          retention: spec.workQueue ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
          storage: StorageType.File,
          discard: DiscardPolicy.Old,
          max_msgs: spec.maxMsgs ?? -1,
          max_age: spec.maxAgeMs ? spec.maxAgeMs * 1_000_000 : 0,
          duplicate_window: (spec.duplicateWindowMs ?? 120_000) * 1_000_000,
          num_replicas: spec.replicas ?? this.#replicas,
          allow_direct: true,
        };
        try {
          await jsm.streams.info(name);
          await jsm.streams.update(name, config);
        } catch (e) {
          if (!isNotFound(e)) throw e;
          await jsm.streams.add(config);
        }
      })();
      p.catch(() => this.#streams.delete(name));
      this.#streams.set(name, p);
    }
    return p;
  }

  async persist(
    spec: StreamSpec,
    topic: string,
    data: Uint8Array,
    opts: { msgId?: string; headers?: Headers; timeoutMs?: number } = {},
  ): Promise<PersistResult> {
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    const subject = eventSubject(this.prefix, topic);
    let delay = 100;
    for (;;) {
      try {
        await this.#ensureStream(spec);
        const ack = await this.#jetstream().publish(subject, data, {
          ...(opts.msgId ? { msgID: opts.msgId } : {}),
          headers: toNatsHeaders(opts.headers),
          timeout: Math.max(500, Math.min(5_000, deadline - Date.now())),
        });
        return { seq: ack.seq, duplicate: ack.duplicate };
      } catch (e) {
        // Not acknowledged yet: keep trying (with the same msgId, so a late duplicate is dropped)
        // through a NATS outage, until the caller's deadline.
        if (this.#state === 'closed' || Date.now() + delay >= deadline) {
          throw new RpcError(RpcCode.UNAVAILABLE, `persist to ${spec.name} failed: ${(e as Error).message}`, { cause: e });
        }
        await sleep(delay);
        delay = Math.min(delay * 2, 2_000);
      }
    }
  }

  async *replay(spec: StreamSpec, opts: { fromSeq?: number; topic?: string } = {}): AsyncIterable<StoredMessage> {
    await this.#ensureStream(spec);
    const name = streamName(this.prefix, spec.name);
    const consumer = await this.#jetstream().consumers.get(name, {
      ...(opts.topic ? { filter_subjects: eventSubject(this.prefix, opts.topic) } : {}),
      ...(opts.fromSeq && opts.fromSeq > 1 ? { opt_start_seq: opts.fromSeq, deliver_policy: DeliverPolicy.StartSequence } : {}),
    });
    const info = await consumer.info();
    if (info.num_pending === 0) return;
    const messages = await consumer.consume({ max_messages: 1000 });
    try {
      for await (const m of messages) {
        yield { subject: m.subject, data: m.data, headers: fromNatsHeaders(m.headers), seq: m.seq };
        if (m.info.pending === 0) break;
      }
    } finally {
      await messages.close();
    }
  }

  async consume(
    spec: StreamSpec,
    durable: string,
    handler: (msg: QueuedMessage) => Promise<void>,
    opts: ConsumeOptions = {},
  ): Promise<Closer> {
    const name = streamName(this.prefix, spec.name);
    const retryMs = opts.retryMs ?? 1_000;
    let closed = false;
    let current: { close(): Promise<unknown> } | undefined;
    // One message in flight (max_ack_pending 1): the next is not handed over before this one is
    // acknowledged, so the stream's order is the order of application, and a failed one comes back first.
    const setup = async () => {
      await this.#ensureStream(spec);
      const jsm = await this.#manager();
      const config = {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        max_ack_pending: 1,
        ack_wait: 10_000_000_000,
        deliver_policy: DeliverPolicy.All,
      };
      try {
        await jsm.consumers.info(name, durable);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        await jsm.consumers.add(name, config);
      }
      return this.#jetstream().consumers.get(name, durable);
    };
    const loop = async () => {
      while (!closed && this.state() !== 'closed') {
        try {
          const consumer = await setup();
          const messages = await consumer.consume({ max_messages: 1 });
          current = messages;
          for await (const m of messages) {
            if (closed) break;
            try {
              await handler({
                subject: m.subject,
                data: m.data,
                headers: fromNatsHeaders(m.headers),
                seq: m.seq,
                deliveries: m.info.deliveryCount,
              });
              m.ack();
            } catch {
              m.nak(retryMs);
            }
          }
        } catch (e) {
          // NATS away or the stream not there yet: try again.
          opts.onError?.(e);
        }
        if (!closed && this.state() !== 'closed') await sleep(retryMs);
      }
    };
    // Not tracked as in-flight work: it runs until closed, and drain() must not wait for it.
    void loop();
    return {
      close: async () => {
        closed = true;
        await current?.close().catch(() => undefined);
      },
    };
  }

  // NATS without JetStream: say how to turn it on.
  #jetstreamHint(e: unknown): unknown {
    const msg = e instanceof Error ? e.message : String(e);
    if (!/jetstream/i.test(msg) || !/not enabled|unavailable|503/i.test(msg)) return e;
    return new Error(
      `NATS at ${this.#nc.getServer()} has no JetStream (${msg}): start nats-server with -js (or "jetstream {}" in its config); the cluster keeps shares, blocks and its registry in it`,
      { cause: e },
    );
  }

  async kv(spec: KvSpec): Promise<KvStore> {
    const kv = await new Kvm(this.#nc)
      .create(bucketName(this.prefix, spec.name), {
        history: spec.history ?? 1,
        replicas: spec.replicas ?? this.#replicas,
        ...(spec.ttlMs ? { ttl: spec.ttlMs } : {}),
      })
      .catch((e: unknown) => {
        throw this.#jetstreamHint(e);
      });
    return {
      get: async (key) => {
        const e = await kv.get(key);
        if (e?.operation !== 'PUT') return null;
        return { key, value: e.value, revision: e.revision };
      },
      put: (key, value) => kv.put(key, value),
      create: (key, value) => kv.create(key, value),
      update: (key, value, revision) => kv.update(key, value, revision),
      delete: async (key) => {
        await kv.delete(key);
      },
      entries: async () => {
        const out: KvEntry[] = [];
        for await (const key of await kv.keys()) {
          const e = await kv.get(key);
          if (e && e.operation === 'PUT') out.push({ key, value: e.value, revision: e.revision });
        }
        return out.sort((a, b) => a.key.localeCompare(b.key));
      },
      watch: async (onChange) => {
        // Last value of every key first, then updates; a TTL expiry arrives as a purge marker.
        const it = await kv.watch();
        void (async () => {
          for await (const e of it) onChange(e.key, e.operation === 'PUT' ? e.value : null);
        })().catch(() => undefined);
        return {
          close: async () => {
            it.stop();
          },
        };
      },
    };
  }

  state(): BusState {
    return this.#state;
  }

  onState(listener: (state: BusState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async drain(): Promise<void> {
    if (this.#nc.isClosed()) return;
    // Stop taking requests first, let in-flight handlers answer, then flush and close.
    await Promise.allSettled([...this.#serving, ...this.#subs].map((s) => s.drain()));
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
    await this.#nc.drain().catch(() => this.#nc.close());
    this.#setState('closed');
  }

  #track(p: Promise<unknown>): void {
    this.#inflight.add(p);
    const done = () => this.#inflight.delete(p);
    p.then(done, done);
  }
}

function toNatsHeaders(h: Headers | undefined): MsgHdrs | undefined {
  if (!h) return undefined;
  const keys = Object.keys(h);
  if (keys.length === 0) return undefined;
  const out = natsHeaders();
  for (const k of keys) out.set(k, h[k]!);
  return out;
}

function fromNatsHeaders(h: MsgHdrs | undefined): Headers {
  const out: Headers = {};
  if (!h) return out;
  for (const k of h.keys()) out[k.toLowerCase()] = h.get(k);
  return out;
}

function mapNatsError(e: unknown, what: string, timeoutMs: number): RpcError {
  if (e instanceof RpcError) return e;
  if (e instanceof NoRespondersError || (e instanceof RequestError && e.isNoResponders())) {
    return new RpcError(RpcCode.UNAVAILABLE, `no responders for ${what}`, { cause: e });
  }
  if (e instanceof TimeoutError || (e instanceof Error && e.cause instanceof TimeoutError)) {
    return new RpcError(RpcCode.DEADLINE_EXCEEDED, `${what}: no reply within ${timeoutMs} ms`, { cause: e });
  }
  if (e instanceof ClosedConnectionError || e instanceof DrainingConnectionError) {
    return new RpcError(RpcCode.UNAVAILABLE, `${what}: NATS connection ${e instanceof DrainingConnectionError ? 'draining' : 'closed'}`, {
      cause: e,
    });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new RpcError(RpcCode.UNAVAILABLE, `${what}: ${msg}`, { cause: e });
}

function isNotFound(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /not found/i.test(msg);
}
