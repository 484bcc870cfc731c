// Subject and stream names, in one place (documented in docs/bus.md). `prefix` lets several P2Pool
// nodes share one NATS account without seeing each other's traffic.
export const DEFAULT_PREFIX = 'p2pool';
export const CONTRACT_VERSION = 'v1';

export function validPrefix(prefix: string): string {
  if (!/^[a-zA-Z0-9_-]+$/.test(prefix)) throw new Error(`invalid bus prefix "${prefix}": use letters, digits, - and _`);
  return prefix;
}

// "p2pool.v1.Sharechain" -> "Sharechain"
export function shortServiceName(fullName: string): string {
  const i = fullName.lastIndexOf('.');
  return i < 0 ? fullName : fullName.slice(i + 1);
}

// Request/reply: one subject per method, e.g. p2pool.rpc.v1.Sharechain.SubmitShare
export function rpcSubject(prefix: string, service: string, method: string): string {
  return `${prefix}.rpc.${CONTRACT_VERSION}.${shortServiceName(service)}.${method}`;
}

// Every replica of a service joins this queue group, so NATS hands each request to one of them.
export function rpcQueue(prefix: string, service: string): string {
  return `${prefix}.${CONTRACT_VERSION}.${shortServiceName(service)}`;
}

// Events: p2pool.evt.v1.<topic>, topics listed in events.ts
export function eventSubject(prefix: string, topic: string): string {
  return `${prefix}.evt.${CONTRACT_VERSION}.${topic}`;
}

// JetStream stream and KV bucket names may not contain dots.
export function streamName(prefix: string, stream: string): string {
  return `${prefix.toUpperCase().replace(/-/g, '_')}_${stream}`;
}

export function bucketName(prefix: string, bucket: string): string {
  return `${prefix}_${bucket}`;
}

// NATS-style subject matching: `*` matches one token, `>` the rest.
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
