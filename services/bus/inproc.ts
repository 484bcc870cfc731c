// The bus of the embedded default: every service in one process, calls are function calls. Messages
// stay encoded protobuf so a service behaves the same here and over NATS (and a contract mismatch
// shows up in unit tests, not first in the cluster). Durable streams and KV live in memory: in one
// process, durability is each service's own business (e.g. the sharechain's files under --datadir).
import { RpcCode, RpcError } from './errors.ts';
import { eventSubject, rpcSubject, streamName, subjectMatches, validPrefix, DEFAULT_PREFIX } from './subjects.ts';
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

interface Subscriber {
  pattern: string;
  queue?: string;
  handler: (msg: BusMessage) => void | Promise<void>;
}

interface MemStream {
  spec: StreamSpec;
  subjects: string[];
  messages: StoredMessage[];
  nextSeq: number;
  recentIds: Map<string, { seq: number; at: number }>;
  // Work queues: wakes the consumer when a message arrives.
  wake?: () => void;
}

export class InProcBus implements Bus {
  readonly kind = 'inproc' as const;
  readonly prefix: string;
  #servers = new Map<string, RequestHandler[]>();
  #rr = new Map<string, number>();
  #subs = new Set<Subscriber>();
  #streams = new Map<string, MemStream>();
  #buckets = new Map<string, MemKv>();
  #state: BusState = 'connected';
  #listeners = new Set<(s: BusState) => void>();
  #inflight = new Set<Promise<unknown>>();

  constructor(opts: { prefix?: string } = {}) {
    this.prefix = validPrefix(opts.prefix ?? DEFAULT_PREFIX);
  }

  async request(service: string, method: string, data: Uint8Array, opts: RequestOptions): Promise<Reply> {
    if (this.#state === 'closed') throw new RpcError(RpcCode.UNAVAILABLE, 'bus is closed');
    const subject = rpcSubject(this.prefix, service, method);
    const handlers = this.#servers.get(subject);
    if (!handlers || handlers.length === 0) throw new RpcError(RpcCode.UNAVAILABLE, `no responders for ${subject}`);
    // Round robin stands in for the queue group.
    const i = (this.#rr.get(subject) ?? 0) % handlers.length;
    this.#rr.set(subject, i + 1);
    const handler = handlers[i]!;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RpcError(RpcCode.DEADLINE_EXCEEDED, `${subject} timed out after ${opts.timeoutMs} ms`)),
        opts.timeoutMs,
      );
    });
    const call = this.#track(handler(method, copy(data), { ...(opts.headers ?? {}) }));
    try {
      const r = await Promise.race([call, timeout]);
      return { data: copy(r.data), headers: r.headers ?? {} };
    } finally {
      clearTimeout(timer);
    }
  }

  async serve(service: string, methods: string[], handler: RequestHandler): Promise<Closer> {
    const subjects = methods.map((m) => rpcSubject(this.prefix, service, m));
    for (const s of subjects) {
      const list = this.#servers.get(s) ?? [];
      list.push(handler);
      this.#servers.set(s, list);
    }
    return {
      close: async () => {
        for (const s of subjects) {
          const list = this.#servers.get(s);
          if (!list) continue;
          const i = list.indexOf(handler);
          if (i >= 0) list.splice(i, 1);
        }
      },
    };
  }

  async publish(topic: string, data: Uint8Array, headers: Headers = {}): Promise<void> {
    this.#deliver(eventSubject(this.prefix, topic), data, headers);
  }

  #deliver(subject: string, data: Uint8Array, headers: Headers): void {
    if (this.#state === 'closed') return;
    const queues = new Map<string, Subscriber[]>();
    for (const sub of this.#subs) {
      if (!subjectMatches(sub.pattern, subject)) continue;
      if (sub.queue) {
        const q = queues.get(sub.queue) ?? [];
        q.push(sub);
        queues.set(sub.queue, q);
      } else this.#dispatch(sub, subject, data, headers);
    }
    for (const members of queues.values()) {
      this.#dispatch(members[Math.floor(Math.random() * members.length)]!, subject, data, headers);
    }
  }

  #dispatch(sub: Subscriber, subject: string, data: Uint8Array, headers: Headers): void {
    // Asynchronous like NATS: a publisher never runs its subscribers' code on its own stack.
    const p = Promise.resolve().then(() => sub.handler({ subject, data: copy(data), headers: { ...headers } }));
    this.#track(p.catch(() => undefined));
  }

  async subscribe(topic: string, handler: (msg: BusMessage) => void | Promise<void>, opts: { queue?: string } = {}): Promise<Closer> {
    const sub: Subscriber = { pattern: eventSubject(this.prefix, topic), handler, queue: opts.queue };
    this.#subs.add(sub);
    return {
      close: async () => {
        this.#subs.delete(sub);
      },
    };
  }

  #stream(spec: StreamSpec): MemStream {
    const name = streamName(this.prefix, spec.name);
    let s = this.#streams.get(name);
    if (!s) {
      s = { spec, subjects: spec.topics.map((t) => eventSubject(this.prefix, t)), messages: [], nextSeq: 1, recentIds: new Map() };
      this.#streams.set(name, s);
    }
    return s;
  }

  async persist(
    spec: StreamSpec,
    topic: string,
    data: Uint8Array,
    opts: { msgId?: string; headers?: Headers } = {},
  ): Promise<PersistResult> {
    if (this.#state === 'closed') throw new RpcError(RpcCode.UNAVAILABLE, 'bus is closed');
    const s = this.#stream(spec);
    const subject = eventSubject(this.prefix, topic);
    if (!s.subjects.some((p) => subjectMatches(p, subject))) {
      throw new RpcError(RpcCode.INVALID_ARGUMENT, `stream ${spec.name} does not capture ${subject}`);
    }
    const now = Date.now();
    const window = spec.duplicateWindowMs ?? 120_000;
    if (opts.msgId) {
      const seen = s.recentIds.get(opts.msgId);
      if (seen && now - seen.at < window) return { seq: seen.seq, duplicate: true };
    }
    const seq = s.nextSeq++;
    s.messages.push({ subject, data: copy(data), headers: { ...(opts.headers ?? {}) }, seq });
    if (opts.msgId) s.recentIds.set(opts.msgId, { seq, at: now });
    if (spec.maxMsgs && s.messages.length > spec.maxMsgs) s.messages.splice(0, s.messages.length - spec.maxMsgs);
    this.#deliver(subject, data, opts.headers ?? {});
    s.wake?.();
    return { seq, duplicate: false };
  }

  async *replay(spec: StreamSpec, opts: { fromSeq?: number; topic?: string } = {}): AsyncIterable<StoredMessage> {
    const s = this.#stream(spec);
    const from = opts.fromSeq ?? 1;
    const filter = opts.topic ? eventSubject(this.prefix, opts.topic) : undefined;
    for (const m of [...s.messages]) {
      if (m.seq < from) continue;
      if (filter && !subjectMatches(filter, m.subject)) continue;
      yield { ...m, data: copy(m.data), headers: { ...m.headers } };
    }
  }

  async consume(
    spec: StreamSpec,
    _durable: string,
    handler: (msg: QueuedMessage) => Promise<void>,
    opts: ConsumeOptions = {},
  ): Promise<Closer> {
    const s = this.#stream(spec);
    const retryMs = opts.retryMs ?? 1_000;
    let closed = false;
    let wait: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    s.wake = () => wait?.();
    const pause = (ms?: number) =>
      new Promise<void>((r) => {
        wait = () => {
          clearTimeout(timer);
          wait = undefined;
          r();
        };
        if (ms !== undefined) timer = setTimeout(wait, ms);
      });
    const loop = async () => {
      let deliveries = 0;
      while (!closed) {
        const m = s.messages[0];
        if (!m) {
          await pause();
          continue;
        }
        deliveries++;
        try {
          await handler({ ...m, data: copy(m.data), headers: { ...m.headers }, deliveries });
          if (s.messages[0] === m) s.messages.shift();
          deliveries = 0;
        } catch {
          await pause(retryMs);
        }
      }
    };
    // Not tracked as in-flight work: it runs until closed, and drain() must not wait for it.
    void loop();
    return {
      close: async () => {
        closed = true;
        s.wake = undefined;
        wait?.();
      },
    };
  }

  async kv(spec: KvSpec): Promise<KvStore> {
    let b = this.#buckets.get(spec.name);
    if (!b) {
      b = new MemKv(spec.ttlMs);
      this.#buckets.set(spec.name, b);
    }
    return b;
  }

  state(): BusState {
    return this.#state;
  }

  onState(listener: (state: BusState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async drain(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#servers.clear();
    this.#subs.clear();
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
    this.#state = 'closed';
    for (const l of this.#listeners) l('closed');
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    const done = () => this.#inflight.delete(p);
    p.then(done, done);
    return p;
  }
}

class MemKv implements KvStore {
  #entries = new Map<string, { value: Uint8Array; revision: number; at: number }>();
  #revision = 0;
  #ttlMs: number | undefined;
  #watchers = new Set<(key: string, value: Uint8Array | null) => void>();
  constructor(ttlMs?: number) {
    this.#ttlMs = ttlMs;
  }
  #live(at: number): boolean {
    return this.#ttlMs === undefined || Date.now() - at < this.#ttlMs;
  }
  async get(key: string): Promise<KvEntry | null> {
    const e = this.#entries.get(key);
    if (!e || !this.#live(e.at)) return null;
    return { key, value: copy(e.value), revision: e.revision };
  }
  async put(key: string, value: Uint8Array): Promise<number> {
    const revision = ++this.#revision;
    this.#entries.set(key, { value: copy(value), revision, at: Date.now() });
    for (const w of this.#watchers) w(key, copy(value));
    return revision;
  }
  async create(key: string, value: Uint8Array): Promise<number> {
    const e = this.#entries.get(key);
    if (e && this.#live(e.at)) throw new Error(`wrong last sequence: key ${key} exists`);
    return this.put(key, value);
  }
  async update(key: string, value: Uint8Array, revision: number): Promise<number> {
    const e = this.#entries.get(key);
    if (!e || !this.#live(e.at) || e.revision !== revision)
      throw new Error(`wrong last sequence: key ${key} is not at revision ${revision}`);
    return this.put(key, value);
  }
  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
    for (const w of this.#watchers) w(key, null);
  }
  async watch(onChange: (key: string, value: Uint8Array | null) => void): Promise<Closer> {
    for (const e of await this.entries()) onChange(e.key, e.value);
    this.#watchers.add(onChange);
    return {
      close: async () => {
        this.#watchers.delete(onChange);
      },
    };
  }
  async entries(): Promise<KvEntry[]> {
    const out: KvEntry[] = [];
    for (const [key, e] of this.#entries) if (this.#live(e.at)) out.push({ key, value: copy(e.value), revision: e.revision });
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }
}

// Callers may reuse their buffers; over NATS the bytes are copied by the socket, so copy here too.
function copy(data: Uint8Array): Uint8Array {
  return new Uint8Array(data);
}
