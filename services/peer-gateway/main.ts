#!/usr/bin/env node
// Runs the peer-gateway service alone: `node services/peer-gateway/main.ts --nats nats://HOST:4222 [p2pool flags]`
// is the same as `p2pool --service peer-gateway ...`.
import { main } from '../cli/main.ts';

process.exit(await main(['--service', 'peer-gateway', ...process.argv.slice(2)]));
