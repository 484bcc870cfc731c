#!/usr/bin/env node
// Placeholder entry point; replaced by the full CLI (flags, embedded runner, --service runner).
console.log('p2pool: skeleton');
