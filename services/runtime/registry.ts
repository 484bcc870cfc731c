// Service registration: each process keeps one entry per hosted service in the bus's "registry" KV
// bucket, refreshed by a heartbeat; entries of dead processes expire by TTL. The web service lists
// them (Web.ListServices) and a ServiceStateChanged event announces every status change.
import { ServiceInstance, ServingStatus } from '../gen/p2pool/v1/common.ts';
import { Events } from '../bus/events.ts';
import { emit } from '../bus/pubsub.ts';
import type { Bus, KvSpec, KvStore } from '../bus/types.ts';
import type { Logger } from './log.ts';

export const REGISTRY_BUCKET: KvSpec = { name: 'registry', ttlMs: 15_000, history: 1 };
export const HEARTBEAT_MS = 5_000;

export function registryKey(service: string, instance: string): string {
  return `${service}.${instance}`.replace(/[^-/_=.a-zA-Z0-9]/g, '_');
}

export interface Registration {
  update(fields: Partial<ServiceInstance>): void;
  close(): Promise<void>;
}

export function register(bus: Bus, entry: ServiceInstance, log: Logger): Registration {
  const key = registryKey(entry.service, entry.instance);
  let current = { ...entry };
  let kv: KvStore | undefined;
  let closed = false;
  let failing = false;
  const write = async () => {
    current.lastSeenMs = BigInt(Date.now());
    try {
      kv ??= await bus.kv(REGISTRY_BUCKET);
      await kv.put(key, ServiceInstance.encode(current).finish());
      if (failing) log.info('registry heartbeat restored', { key });
      failing = false;
    } catch (e) {
      // NATS down: the heartbeat resumes when it is back; the entry may expire meanwhile.
      if (!failing) log.warn('registry heartbeat failed', { key, error: e });
      failing = true;
      kv = undefined;
    }
  };
  const announce = async (): Promise<void> => {
    await emit(bus, Events.serviceStateChanged, { instance: current }, current.instance).catch(() => undefined);
  };
  let chain = write().then(announce);
  const timer = setInterval(() => {
    chain = chain.then(write);
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    update(fields) {
      if (closed) return;
      const statusChanged = fields.status !== undefined && fields.status !== current.status;
      current = { ...current, ...fields };
      chain = chain.then(write).then(() => (statusChanged ? announce() : undefined));
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await chain;
      current.status = ServingStatus.UNKNOWN;
      await announce();
      try {
        await kv?.delete(key);
      } catch {
        // Expires by TTL anyway.
      }
    },
  };
}

export async function listInstances(bus: Bus): Promise<ServiceInstance[]> {
  const kv = await bus.kv(REGISTRY_BUCKET);
  const now = Date.now();
  const out: ServiceInstance[] = [];
  for (const e of await kv.entries()) {
    const inst = ServiceInstance.decode(e.value);
    // The bucket TTL is the real expiry; this also hides entries a stopped NATS kept around.
    if (now - Number(inst.lastSeenMs) <= REGISTRY_BUCKET.ttlMs!) out.push(inst);
  }
  return out;
}
