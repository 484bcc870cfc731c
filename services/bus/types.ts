// The transport seam. Services never see NATS or function calls directly: they get a Bus, and the
// generated ts-proto clients/servers run over it (rpc.ts). Two implementations: nats.ts (cluster) and
// inproc.ts (embedded default and unit tests). Both carry the same encoded protobuf bytes and headers.
export type Headers = Record<string, string>;

export interface BusMessage {
  subject: string;
  data: Uint8Array;
  headers: Headers;
}

export interface StoredMessage extends BusMessage {
  seq: number;
}

export interface Closer {
  close(): Promise<void>;
}

// A request as the server side sees it. Reply headers carry errors (see rpc.ts).
export type RequestHandler = (method: string, data: Uint8Array, headers: Headers) => Promise<{ data: Uint8Array; headers?: Headers }>;

export interface RequestOptions {
  // Per attempt; the caller (rpc.ts) owns the overall deadline and retries.
  timeoutMs: number;
  headers?: Headers;
}

export interface Reply {
  data: Uint8Array;
  headers: Headers;
}

// What must survive a restart of the process or of NATS: a stream of messages kept by limits.
export interface StreamSpec {
  // Short name, e.g. "SHARES"; the real name gets the prefix (subjects.ts streamName).
  name: string;
  // Event topics captured by the stream (full subjects are built with eventSubject).
  topics: string[];
  maxMsgs?: number;
  maxAgeMs?: number;
  // Window in which a repeated msgId is dropped as a duplicate.
  duplicateWindowMs?: number;
  replicas?: number;
  // A work queue: a message is removed once its consumer acknowledges it (JetStream work-queue retention).
  workQueue?: boolean;
}

// A message handed to a work-queue consumer; `deliveries` counts this one (1 = first delivery).
export interface QueuedMessage extends StoredMessage {
  deliveries: number;
}

export interface ConsumeOptions {
  // Wait before a message whose handler threw is handed over again (default 1 s).
  retryMs?: number;
  // Told why consumption is not progressing (NATS away, stream missing...), for logs.
  onError?: (e: unknown) => void;
}

export interface PersistResult {
  seq: number;
  duplicate: boolean;
}

export interface KvEntry {
  key: string;
  value: Uint8Array;
  revision: number;
}

export interface KvStore {
  get(key: string): Promise<KvEntry | null>;
  put(key: string, value: Uint8Array): Promise<number>;
  // Only if the key has no live value (absent, deleted or expired); rejects otherwise.
  create(key: string, value: Uint8Array): Promise<number>;
  // Only if the key's current revision is `revision` (compare-and-set); rejects otherwise.
  update(key: string, value: Uint8Array, revision: number): Promise<number>;
  delete(key: string): Promise<void>;
  entries(): Promise<KvEntry[]>;
  // Every current entry, then each change as it happens (value null = deleted or expired), until closed.
  watch(onChange: (key: string, value: Uint8Array | null) => void): Promise<Closer>;
}

export interface KvSpec {
  name: string;
  // Entries not refreshed within this time disappear (registry heartbeats rely on it).
  ttlMs?: number;
  history?: number;
  replicas?: number;
}

export type BusState = 'connected' | 'disconnected' | 'closed';

export interface Bus {
  readonly kind: 'nats' | 'inproc';
  readonly prefix: string;
  // Raw request to one replica of `service` (full name, e.g. p2pool.v1.Sharechain).
  request(service: string, method: string, data: Uint8Array, opts: RequestOptions): Promise<Reply>;
  // Answer every method of `service` (as a member of its queue group).
  serve(service: string, methods: string[], handler: RequestHandler): Promise<Closer>;
  // At-most-once event to every subscriber of the topic.
  publish(topic: string, data: Uint8Array, headers?: Headers): Promise<void>;
  // `queue` makes subscribers with the same name share the events instead of each getting all.
  subscribe(topic: string, handler: (msg: BusMessage) => void | Promise<void>, opts?: { queue?: string }): Promise<Closer>;
  // Durable event: stored in the stream covering its topic before this resolves (JetStream ack).
  // Also delivered to live subscribers of the topic.
  persist(
    stream: StreamSpec,
    topic: string,
    data: Uint8Array,
    opts?: { msgId?: string; headers?: Headers; timeoutMs?: number },
  ): Promise<PersistResult>;
  // Everything stored in the stream from `fromSeq` (1 = oldest kept), in order; ends when caught up.
  replay(stream: StreamSpec, opts?: { fromSeq?: number; topic?: string }): AsyncIterable<StoredMessage>;
  // Work-queue consumption under the durable name `durable` (shared by the consumer's replicas): one
  // message at a time, in stream order; removed when `handler` resolves, handed over again (the same
  // one, so order holds) after `retryMs` when it throws. Survives restarts of NATS and of the consumer.
  consume(stream: StreamSpec, durable: string, handler: (msg: QueuedMessage) => Promise<void>, opts?: ConsumeOptions): Promise<Closer>;
  kv(spec: KvSpec): Promise<KvStore>;
  state(): BusState;
  onState(listener: (state: BusState) => void): () => void;
  // Stop taking requests and events, finish in-flight ones, flush, disconnect.
  drain(): Promise<void>;
}
