#!/usr/bin/env node
// Runs the edge service alone: `node services/edge/main.ts --nats nats://HOST:4222 [p2pool flags]`
// is the same as `p2pool --service edge ...`.
import { main } from '../cli/main.ts';

process.exit(await main(['--service', 'edge', ...process.argv.slice(2)]));
