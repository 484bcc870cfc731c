// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: acquire by create (409 =
// someone holds it), take over only when the holder has not renewed for leaseDuration as observed
// by *our* clock (never by comparing remote timestamps), renew by replace with the resourceVersion
// (409 = lost the race). Losing the lease ends leadership; the caller then exits.

export interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

/** The Lease API (CustomObjectsApi passes MicroTime strings through untouched). */
export interface LeaseStore {
  get(): Promise<Lease | null>;
  /** false on 409 Conflict/AlreadyExists. */
  create(lease: Lease): Promise<boolean>;
  /** false on 409 Conflict. */
  replace(lease: Lease): Promise<boolean>;
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export interface ElectorOptions {
  store: LeaseStore;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  retryMs?: number;
  now?: () => number;
}

export class LeaderElector {
  readonly #o: Required<Omit<ElectorOptions, 'store'>> & { store: LeaseStore };
  // What we last saw of the lease and when (our clock), to judge expiry.
  #observed: { rv?: string; holder?: string; renew?: string; at: number } | null = null;
  #leading = false;
  #stopped = false;

  constructor(o: ElectorOptions) {
    this.#o = { leaseDurationSeconds: 15, retryMs: 2_000, now: Date.now, ...o };
  }

  get leading(): boolean {
    return this.#leading;
  }

  /** One attempt to acquire or renew; returns whether we lead afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const o = this.#o;
    const now = o.now();
    const stamp = microTime(new Date(now));
    const lease = await o.store.get();
    if (!lease) {
      const ok = await o.store.create({
        metadata: { name: o.name, namespace: o.namespace },
        spec: {
          holderIdentity: o.identity,
          leaseDurationSeconds: o.leaseDurationSeconds,
          acquireTime: stamp,
          renewTime: stamp,
          leaseTransitions: 0,
        },
      });
      this.#observed = null;
      return (this.#leading = ok);
    }
    const s = lease.spec;
    const changed =
      !this.#observed ||
      this.#observed.rv !== lease.metadata.resourceVersion ||
      this.#observed.holder !== s.holderIdentity ||
      this.#observed.renew !== s.renewTime;
    if (changed) this.#observed = { rv: lease.metadata.resourceVersion, holder: s.holderIdentity, renew: s.renewTime, at: now };
    const mine = s.holderIdentity === o.identity;
    const expired = !s.holderIdentity || now - this.#observed!.at > (s.leaseDurationSeconds ?? o.leaseDurationSeconds) * 1000;
    if (!mine && !expired) return (this.#leading = false);
    const next: Lease = {
      metadata: { ...lease.metadata },
      spec: {
        ...s,
        holderIdentity: o.identity,
        leaseDurationSeconds: o.leaseDurationSeconds,
        renewTime: stamp,
        ...(mine ? {} : { acquireTime: stamp, leaseTransitions: (s.leaseTransitions ?? 0) + 1 }),
      },
    };
    const ok = await o.store.replace(next);
    return (this.#leading = ok);
  }

  /**
   * Campaigns until leading, calls onLead, then renews every retryMs; calls onLost (once) when a
   * renewal fails for longer than the lease duration or is taken over.
   */
  async run(onLead: () => void, onLost: () => void, log: (msg: string, err?: unknown) => void = () => undefined): Promise<void> {
    const o = this.#o;
    let lastRenew = 0;
    let led = false;
    while (!this.#stopped) {
      let ok = false;
      try {
        ok = await this.tryAcquireOrRenew();
      } catch (e) {
        log('lease request failed', e);
      }
      const now = o.now();
      if (ok) {
        lastRenew = now;
        if (!led) {
          led = true;
          onLead();
        }
      } else if (led && (this.#observed?.holder !== o.identity || now - lastRenew > o.leaseDurationSeconds * 1000 * (2 / 3))) {
        this.#leading = false;
        onLost();
        return;
      }
      await new Promise((r) => setTimeout(r, o.retryMs).unref());
    }
  }

  /** Stop campaigning and give the lease up (holder cleared) so another replica takes over at once. */
  async release(): Promise<void> {
    this.#stopped = true;
    if (!this.#leading) return;
    this.#leading = false;
    const lease = await this.#o.store.get();
    if (lease?.spec.holderIdentity !== this.#o.identity) return;
    await this.#o.store.replace({ metadata: lease.metadata, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } });
  }
}
