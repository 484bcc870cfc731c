#!/usr/bin/env node
// Runs the aux service alone: `node services/aux/main.ts --nats nats://HOST:4222 [p2pool flags]`
// is the same as `p2pool --service aux ...`, and loads no other service's code.
import { runProcess } from '../runtime/main.ts';
import { createAuxServer } from './server.ts';

process.exit(await runProcess(['--service', 'aux', ...process.argv.slice(2)], { services: () => [['aux', createAuxServer]] }));
