#!/usr/bin/env node
// Runs the web service alone: `node services/web/main.ts --nats nats://HOST:4222 [p2pool flags]`
// is the same as `p2pool --service web ...`, and loads no other service's code.
import { runProcess } from '../runtime/main.ts';
import { createWebServer } from './server.ts';

process.exit(await runProcess(['--service', 'web', ...process.argv.slice(2)], { services: () => [['web', createWebServer]] }));
