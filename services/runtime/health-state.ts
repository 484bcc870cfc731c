// The health of one service shell: a status plus named checks, turned into the contract's
// HealthResponse and into /readyz. Services update it as their dependencies come and go.
import { ServingStatus, type HealthResponse } from '../gen/p2pool/v1/common.ts';

export interface Check {
  ok: boolean;
  detail: string;
}

export class HealthState {
  status: ServingStatus = ServingStatus.STARTING;
  readonly checks = new Map<string, Check>();
  #listeners = new Set<() => void>();

  setStatus(status: ServingStatus): void {
    if (this.status === status) return;
    // Once draining, only "stopped" (process exit) follows.
    if (this.status === ServingStatus.DRAINING) return;
    this.status = status;
    this.#changed();
  }

  setCheck(name: string, ok: boolean, detail = ''): void {
    const prev = this.checks.get(name);
    if (prev && prev.ok === ok && prev.detail === detail) return;
    this.checks.set(name, { ok, detail });
    this.#changed();
  }

  // Ready = serving and every check passes. A not-ready pod gets no traffic but is not restarted.
  ready(): boolean {
    if (this.status !== ServingStatus.SERVING) return false;
    for (const c of this.checks.values()) if (!c.ok) return false;
    return true;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  response(meta: { service: string; instance: string; version: string; startedAt: number }): HealthResponse {
    return {
      service: meta.service,
      instance: meta.instance,
      version: meta.version,
      status: this.status,
      ready: this.ready(),
      uptimeMs: BigInt(Date.now() - meta.startedAt),
      checks: [...this.checks].map(([name, c]) => ({ name, ok: c.ok, detail: c.detail })),
    };
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }
}

export function statusName(s: ServingStatus): string {
  const entry = Object.entries(ServingStatus).find(([, v]) => v === s);
  return (entry?.[0] ?? 'UNKNOWN').toLowerCase();
}
