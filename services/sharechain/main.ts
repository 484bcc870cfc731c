#!/usr/bin/env node
// Runs the sharechain service alone: `node services/sharechain/main.ts --nats nats://HOST:4222 [p2pool flags]`
// is the same as `p2pool --service sharechain ...`, and loads no other service's code.
import { runProcess } from '../runtime/main.ts';
import { createSharechainServer } from './server.ts';

process.exit(
  await runProcess(['--service', 'sharechain', ...process.argv.slice(2)], { services: () => [['sharechain', createSharechainServer]] }),
);
