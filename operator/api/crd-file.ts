// The CRD as the chart ships it (charts/p2pool/crds/), generated from operator/api/crd.ts.
// `node operator/api/crd-file.ts --write` rewrites it (`make crd`); crd.test.ts fails on drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { p2poolNodeCrd } from './crd.ts';

export const CRD_PATH = fileURLToPath(new URL('../../charts/p2pool/crds/p2poolnodes.p2pool.dev.yaml', import.meta.url));

export function crdYaml(): string {
  return '# Generated from operator/api/crd.ts by `make crd`; do not edit.\n' + stringify(p2poolNodeCrd(), { lineWidth: 0 });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write')) writeFileSync(CRD_PATH, crdYaml());
  else if (readFileSync(CRD_PATH, 'utf8') !== crdYaml()) {
    console.error(`${CRD_PATH} differs from operator/api/crd.ts: run make crd`);
    process.exit(1);
  }
}
