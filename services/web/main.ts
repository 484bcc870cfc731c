#!/usr/bin/env node
// Runs the web service alone: `node services/web/main.ts --nats nats://HOST:4222 [p2pool flags]`
// is the same as `p2pool --service web ...`.
import { main } from '../cli/main.ts';

process.exit(await main(['--service', 'web', ...process.argv.slice(2)]));
