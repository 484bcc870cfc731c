#!/usr/bin/env node
// Runs the peer-gateway service alone: `node services/peer-gateway/main.ts --nats nats://HOST:4222 [p2pool flags]`
// is the same as `p2pool --service peer-gateway ...`, and loads no other service's code.
import { runProcess } from '../runtime/main.ts';
import { createPeerGatewayServer } from './server.ts';

process.exit(
  await runProcess(['--service', 'peer-gateway', ...process.argv.slice(2)], {
    services: () => [['peer-gateway', createPeerGatewayServer]],
  }),
);
