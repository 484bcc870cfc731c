#!/usr/bin/env node
// Runs the sharechain service alone: `node services/sharechain/main.ts --nats nats://HOST:4222 [p2pool flags]`
// is the same as `p2pool --service sharechain ...`.
import { main } from '../cli/main.ts';

process.exit(await main(['--service', 'sharechain', ...process.argv.slice(2)]));
