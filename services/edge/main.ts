#!/usr/bin/env node
// Runs the edge service alone: `node services/edge/main.ts --nats nats://HOST:4222 [p2pool flags]`
// is the same as `p2pool --service edge ...`, and loads no other service's code.
import { runProcess } from '../runtime/main.ts';
import { createEdgeServer } from './server.ts';

process.exit(await runProcess(['--service', 'edge', ...process.argv.slice(2)], { services: () => [['edge', createEdgeServer]] }));
