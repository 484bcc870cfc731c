// In the embedded default all six services share one process. A service may hand another its
// in-process object (the sharechain to the peer gateway) where going through the bus would only add an
// encode/decode of every share. In the cluster there is no registry and callers use the bus instead,
// so each such shortcut has a bus path next to it.
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
