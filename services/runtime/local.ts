// In the embedded default all six services share one process. A service may hand another its
// in-process object (the sharechain to the peer gateway) where going through the bus would only add an
// encode/decode of every share. In the cluster there is no registry and callers use the bus instead,
// so each such shortcut has a bus path next to it.
import type { ShareSource, PeerHooks } from '../pool/share-source.ts';
import type { Work } from '../pool/work/template.ts';

export interface LocalKey<T> {
  readonly name: string;
  // Carries T for type inference only.
  readonly type?: T;
}

export function localKey<T>(name: string): LocalKey<T> {
  return { name };
}

export class LocalServices {
  readonly #values = new Map<string, unknown>();

  provide<T>(key: LocalKey<T>, value: T): void {
    this.#values.set(key.name, value);
  }

  get<T>(key: LocalKey<T>): T | undefined {
    return this.#values.get(key.name) as T | undefined;
  }
}

/** The sharechain's tracker for the embedded peer gateway (no share encode/decode per call). */
export const LOCAL_SHARECHAIN = localKey<{ source: ShareSource; attachPeers(hooks: PeerHooks): void }>('sharechain');

/** The template builder's empty-work shortcut on a peer's best block (docs/protocol.md, "Empty work"). */
export const LOCAL_TEMPLATE_BUILDER = localKey<{
  offerHeader(header: Buffer): { published: true; work: Work } | { published: false; reason: string };
}>('template-builder');
