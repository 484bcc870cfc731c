#!/usr/bin/env node
// Runs the template-builder service alone: `node services/template-builder/main.ts --nats nats://HOST:4222 [p2pool flags]`
// is the same as `p2pool --service template-builder ...`.
import { main } from '../cli/main.ts';

process.exit(await main(['--service', 'template-builder', ...process.argv.slice(2)]));
