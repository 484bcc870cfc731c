#!/usr/bin/env node
// Runs the template-builder service alone: `node services/template-builder/main.ts --nats nats://HOST:4222 [p2pool flags]`
// is the same as `p2pool --service template-builder ...`, and loads no other service's code.
import { runProcess } from '../runtime/main.ts';
import { createTemplateBuilderServer } from './server.ts';

process.exit(
  await runProcess(['--service', 'template-builder', ...process.argv.slice(2)], {
    services: () => [['template-builder', createTemplateBuilderServer]],
  }),
);
