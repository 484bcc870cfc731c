#!/usr/bin/env node
// Runs the aux service alone: `node services/aux/main.ts --nats nats://HOST:4222 [p2pool flags]`
// is the same as `p2pool --service aux ...`.
import { main } from '../cli/main.ts';

process.exit(await main(['--service', 'aux', ...process.argv.slice(2)]));
