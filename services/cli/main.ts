#!/usr/bin/env node
// The `p2pool` command. `p2pool [flags]` runs the embedded default (all six services, composed here and
// nowhere else); `p2pool --service NAME --nats URL` one service of a cluster; `p2pool sharechain verify
// ...` checks a stored sharechain; `p2pool bus cleanup ...` deletes a node's JetStream state.
import { pathToFileURL } from 'node:url';
import { runProcess } from '../runtime/main.ts';
import { busCleanup } from './commands/bus-cleanup.ts';
import { sharechainVerify } from './commands/sharechain-verify.ts';
import { prepareDemo } from './demo.ts';
import { servicesFor } from './services.ts';

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'sharechain' && argv[1] === 'verify') {
    try {
      return await sharechainVerify(argv.slice(2));
    } catch (e) {
      process.stderr.write(`p2pool sharechain verify: ${(e as Error).message}\n`);
      return 1;
    }
  }
  if (argv[0] === 'bus' && argv[1] === 'cleanup') return busCleanup(argv.slice(2));
  return runProcess(argv, { services: (config) => servicesFor(config.service), prepare: prepareDemo });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // Exit explicitly: a NATS connection still being attempted must not keep a stopped process alive.
  process.exit(await main(process.argv.slice(2)));
}
