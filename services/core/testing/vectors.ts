// Loads the reference vectors copied into test/vectors/ (test/vectors/README.md says where they came from).
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseJsonExact } from '../codec/json.ts';

export function vectorsDir(): string {
  const candidates = [process.env.P2POOL_VECTORS, resolve(import.meta.dirname, '../../../test/vectors')].filter((p): p is string => !!p);
  for (const c of candidates) if (existsSync(join(c, 'prim.json'))) return c;
  throw new Error(`reference vectors not found (tried ${candidates.join(', ')}); set P2POOL_VECTORS`);
}

/** JSON with integers beyond 2^53 kept exact as bigint. */
export function parseJsonBig(text: string): any {
  return parseJsonExact(text);
}

/** The vectors copied into the repository (test/vectors/), which tests use first. */
export const REPO_VECTORS = resolve(import.meta.dirname, '../../../test/vectors');

export function loadVector(name: string): any {
  const local = join(REPO_VECTORS, name);
  return parseJsonBig(readFileSync(existsSync(local) ? local : join(vectorsDir(), name), 'utf8'));
}
