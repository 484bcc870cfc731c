// The address book (docs/protocol.md §3.5): the store of known peer addresses, seeded from the
// network's bootstrap list, loaded from and saved to <datadir>/<net>/addrs.json, and topped up by
// asking a random peer for addresses while it holds fewer than the reference keeps.
import type { Network } from '../core/index.ts';
import { AddressStore } from './addr-store.ts';
import * as C from './constants.ts';
import { parseAddr } from './netaddr.ts';
import type { GatewayLog } from './peer.ts';

export class AddressBook {
  readonly store = new AddressStore();
  readonly #net: Network;
  readonly #file: string | undefined;
  readonly #log: GatewayLog;

  constructor(net: Network, file: string | undefined, log: GatewayLog) {
    this.#net = net;
    this.#file = file;
    this.#log = log;
  }

  /** The saved addresses, then (unless `bootstrap` is false) the network's bootstrap addresses. */
  load(bootstrap: boolean, nowSeconds: number): void {
    if (this.#file) this.store.load(this.#file);
    if (!bootstrap) return;
    for (const a of this.#net.BOOTSTRAP_ADDRS) {
      try {
        const { host, port } = parseAddr(a, this.#net.P2P_PORT);
        this.store.seen(host, port, 0n, nowSeconds);
      } catch (e) {
        this.#log.warn('bad bootstrap address', { address: a, error: (e as Error).message });
      }
    }
  }

  get persisted(): boolean {
    return this.#file !== undefined;
  }

  save(): void {
    if (!this.#file) return;
    try {
      this.store.save(this.#file);
    } catch (e) {
      this.#log.warn('could not save addresses', { error: (e as Error).message });
    }
  }

  /** Every ~20 s: ask a random peer for 8 addresses while the store holds fewer than 1000. */
  topUp(randomPeer: () => { sendGetaddrs(count: number): void } | undefined): void {
    if (this.store.size >= C.PREFERRED_ADDR_STORAGE) return;
    randomPeer()?.sendGetaddrs(8);
  }
}
