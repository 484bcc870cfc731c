// A store that keeps nothing across processes: for unit tests and for networks without persistence.
import type { LoadResult, ShareStore, StoreRecord } from './types.ts';

export class MemoryShareStore implements ShareStore {
  readonly describe = 'memory';
  readonly records: StoreRecord[] = [];
  readonly forgotten = new Set<bigint>();

  async load(): Promise<LoadResult> {
    return { shares: [], verified: new Set(), dropped: [] };
  }

  async append(records: readonly StoreRecord[]): Promise<void> {
    this.records.push(...records);
  }

  forget(hashes: Iterable<bigint>): void {
    for (const h of hashes) this.forgotten.add(h);
  }

  async close(): Promise<void> {}
}
