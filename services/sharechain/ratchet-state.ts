// Where the V36 version ratchet's state outlives the process (docs/consensus-core.md, V36): a file in
// the data dir in one process; in the cluster the `sharechain-state` KV bucket, so a standby that takes
// over, or the pod of a new version after a roll, resumes the state the last leader had.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Bus, KvStore } from '../bus/types.ts';
import type { Network, RatchetSnapshot } from '../core/index.ts';

export interface RatchetStateStore {
  /** For logs: where the state is kept. */
  readonly where: string;
  /** The saved snapshot (unvalidated: VersionRatchet.restore checks it), or null if none. */
  load(): Promise<unknown>;
  save(s: RatchetSnapshot): Promise<void>;
}

export function fileRatchetState(file: string): RatchetStateStore {
  return {
    where: file,
    load: () =>
      readFile(file, 'utf8').then(
        (t) => JSON.parse(t) as unknown,
        (e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return null;
          throw e;
        },
      ),
    // Written aside and renamed: a crash mid-write leaves the previous state.
    save: async (s) => {
      await writeFile(`${file}.tmp`, JSON.stringify(s));
      await rename(`${file}.tmp`, file);
    },
  };
}

export const SHARECHAIN_STATE_BUCKET = { name: 'sharechain-state' };

export function kvRatchetState(bus: Bus, net: Network): RatchetStateStore {
  const key = `v36-ratchet.${net.NAME}`;
  let kv: KvStore | null = null;
  const open = async () => (kv ??= await bus.kv(SHARECHAIN_STATE_BUCKET));
  return {
    where: `KV ${SHARECHAIN_STATE_BUCKET.name}/${key}`,
    load: async () => {
      const e = await (await open()).get(key);
      return e === null ? null : (JSON.parse(Buffer.from(e.value).toString('utf8')) as unknown);
    },
    save: async (s) => {
      await (await open()).put(key, Buffer.from(JSON.stringify(s)));
    },
  };
}
