// Where the graph history is kept between runs: a file in the data dir (the embedded default, the
// reference's graph_db), or a JetStream KV entry in the cluster, so a web pod that is replaced (its
// emptyDir gone) takes the history over. Both asynchronous and off every miner's path.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { Bus, KvStore } from '../../bus/types.ts';

export interface GraphStore {
  // What was saved, or null when nothing was.
  load(): Promise<unknown>;
  save(obj: unknown): Promise<void>;
  readonly where: string;
}

export class FileGraphStore implements GraphStore {
  readonly where: string;
  readonly file: string;

  constructor(file: string) {
    this.file = file;
    this.where = file;
  }

  async load(): Promise<unknown> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async save(obj: unknown): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    // Written whole to .new and renamed over, as the reference does: a crash mid-write keeps the old file.
    await writeFile(this.file + '.new', JSON.stringify(obj));
    await rename(this.file + '.new', this.file);
  }
}

const KEY = 'graph_db';
// NATS's default max payload is 1 MiB: the gzipped history stays well under it (a few hundred KB with
// 20 miners in every bin); a larger one is not saved rather than refused by the server.
const MAX_BYTES = 900 * 1024;

export class KvGraphStore implements GraphStore {
  readonly where: string;
  readonly #bus: Bus;
  readonly #bucket: string;
  readonly #replicas: number;
  #kv: Promise<KvStore> | undefined;

  constructor(bus: Bus, network: string, replicas = 1) {
    this.#bus = bus;
    this.#bucket = `WEB_GRAPH_${network.toUpperCase()}`;
    this.where = `KV ${this.#bucket}/${KEY}`;
    this.#replicas = replicas;
  }

  #store(): Promise<KvStore> {
    this.#kv ??= this.#bus.kv({ name: this.#bucket, history: 1, replicas: this.#replicas });
    this.#kv.catch(() => {
      this.#kv = undefined;
    });
    return this.#kv;
  }

  async load(): Promise<unknown> {
    const e = await (await this.#store()).get(KEY);
    if (!e) return null;
    return JSON.parse((await promisify(gunzip)(e.value)).toString('utf8'));
  }

  async save(obj: unknown): Promise<void> {
    const data = await promisify(gzip)(JSON.stringify(obj));
    if (data.length > MAX_BYTES) throw new Error(`graph history is ${data.length} bytes gzipped, over the ${MAX_BYTES} bytes kept in KV`);
    await (await this.#store()).put(KEY, data);
  }
}
