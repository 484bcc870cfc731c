// Share download (docs/protocol.md §3.8), in the spirit of a block fetcher: the hashes a peer
// announces that we lack are requested from it at once; the sharechain's missing parents
// (`desired`) are fetched by a loop asking random peers with random depth, as the reference does.
import type { Share } from '../core/index.ts';
import type { ShareSource } from '../pool/share-source.ts';
import * as C from './constants.ts';
import { PeerClosed, type Peer } from './peer.ts';
import { ShareRequestTimeout } from './share-requests.ts';
import type { GatewayTimers } from './timers.ts';

export interface DesiredEntry {
  hash: bigint;
  peerAddr: string | null;
}

export interface DownloadHost {
  readonly source: ShareSource;
  readonly timers: GatewayTimers;
  randomPeer(): Peer | undefined;
  /** Hand shares a peer sent to the sharechain (and announce them). */
  deliver(peer: Peer, shares: Share[], txs: Buffer[], receivedAt: number): Promise<void>;
  ban(peer: Peer, seconds: number, reason: string): void;
}

export class ShareDownloader {
  #desired: DesiredEntry[] = [];
  #wake: (() => void) | null = null;
  readonly #host: DownloadHost;
  readonly #idleMs: number;
  readonly #random: () => number;

  constructor(host: DownloadHost, idleMs: number, random: () => number) {
    this.#host = host;
    this.#idleMs = idleMs;
    this.#random = random;
  }

  /** The sharechain's `desired` (missing parents worth downloading), replacing the previous list. */
  setDesired(list: readonly DesiredEntry[]): void {
    this.#desired = list.slice();
    this.#wakeUp();
  }

  /** Lets a waiting loop see that the gateway stopped. */
  stop(): void {
    this.#wakeUp();
  }

  #wakeUp(): void {
    if (!this.#wake) return;
    const w = this.#wake;
    this.#wake = null;
    w();
  }

  /** `handle_share_hashes`: request announced hashes we lack; a failure bans for 30 s · score². */
  fetchAnnounced(peer: Peer, hashes: bigint[]): void {
    const { source } = this.#host;
    void (async () => {
      const fresh: bigint[] = [];
      for (const h of hashes) {
        const has = source.has(h);
        if (!(has instanceof Promise ? await has : has)) fresh.push(h);
      }
      if (!fresh.length) return;
      let shares: Share[];
      try {
        shares = await peer.requestShares(fresh, 0, []);
      } catch (e) {
        this.#host.ban(peer, C.DOWNLOAD_BAN_SECONDS, `share request failed: ${(e as Error).message}`);
        return;
      }
      await this.#host.deliver(peer, shares, [], performance.now());
    })();
  }

  /** `download_shares`: while parents are missing, ask a random peer for one with random depth. */
  async run(): Promise<void> {
    const { source, timers } = this.#host;
    while (timers.running) {
      if (!this.#desired.length) {
        await new Promise<void>((r) => {
          this.#wake = r;
        });
        continue;
      }
      const want = this.#desired[Math.floor(this.#random() * this.#desired.length)]!;
      const peer = this.#host.randomPeer();
      if (!peer) {
        await timers.sleep(this.#idleMs);
        continue;
      }
      let shares: Share[];
      try {
        const st = source.downloadStops();
        const stops = (st instanceof Promise ? await st : st).slice(0, C.DOWNLOAD_MAX_STOPS);
        shares = await peer.requestShares([want.hash], Math.floor(this.#random() * C.DOWNLOAD_PARENTS_RANGE), stops as bigint[]);
      } catch (e) {
        if (e instanceof ShareRequestTimeout || e instanceof PeerClosed) continue;
        this.#host.ban(peer, C.DOWNLOAD_BAN_SECONDS, `share download failed: ${(e as Error).message}`);
        continue;
      }
      if (!shares.length) {
        await timers.sleep(this.#idleMs);
        continue;
      }
      await this.#host.deliver(peer, shares, [], performance.now());
    }
  }
}
