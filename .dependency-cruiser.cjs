// The layers of docs/architecture.md, enforced: `make test` runs `depcruise` with this file and fails
// naming the rule a dependency breaks. Services: one folder each under services/, meeting only through
// their contracts (services/gen/) on the bus.
const SERVICES = '(aux|edge|peer-gateway|sharechain|template-builder|web)';
const IO = '^(node:)?(net|fs|fs/promises|http|https|http2|dgram|tls|child_process|cluster|worker_threads)$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module cycle: split the shared part out below both modules. Cycles through type-only imports are erased by type stripping and allowed.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-cross-service',
      severity: 'error',
      comment: 'A service imports another service\'s files. Services meet only through their contracts (services/gen/ on the bus); what several agree on belongs in services/pool/ or services/core/.',
      from: { path: `^services/${SERVICES}/` },
      to: { path: `^services/(${SERVICES.slice(1, -1)}|cli|miner)/`, pathNot: '^services/$1/' },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'The consensus core imports nothing above it and does no I/O (docs/consensus-core.md).',
      from: { path: '^services/core/', pathNot: ['\\.test\\.ts$', '^services/core/testing/'] },
      to: { path: [`^services/(?!core/)`, IO] },
    },
    {
      name: 'pool-is-pure',
      severity: 'error',
      comment: 'The shared pool domain sits on the core and the generated contracts only, and does no I/O: every service may use it.',
      from: { path: '^services/pool/', pathNot: '\\.test\\.ts$' },
      to: { path: ['^services/(?!(core|gen|pool)/)', IO] },
    },
    {
      name: 'bus-below-services',
      severity: 'error',
      comment: 'The bus carries the contracts; it knows no service, no runtime and no domain logic.',
      from: { path: '^services/bus/', pathNot: '\\.test\\.ts$' },
      to: { path: '^services/(?!(bus|gen|core)/)' },
    },
    {
      name: 'runtime-below-services',
      severity: 'error',
      comment: 'The runtime hosts whatever services it is given: it imports none (services/cli/ composes them).',
      from: { path: '^services/runtime/', pathNot: '\\.test\\.ts$' },
      to: { path: `^services/(${SERVICES.slice(1, -1)}|cli|miner|full-node)/` },
    },
    {
      name: 'full-node-adapter-users',
      severity: 'error',
      comment: 'services/full-node/ (the coin daemons\' JSON-RPC adapter) is for the template builder, the edge\'s second path for a block, the aux service\'s daemons and cli\'s demo; others ask the template builder over its contract.',
      from: { path: '^services/', pathNot: ['^services/(template-builder|edge|aux|cli|full-node)/', '\\.test\\.ts$'] },
      to: { path: '^services/full-node/' },
    },
    {
      name: 'full-node-below-services',
      severity: 'error',
      comment: 'The full node adapter knows no service: it sits on the core, the pool domain and the runtime\'s config.',
      from: { path: '^services/full-node/' },
      to: { path: '^services/(?!(core|pool|runtime|full-node)/)' },
    },
    {
      name: 'cli-uses-public-entries',
      severity: 'error',
      comment: 'The composer (services/cli/) takes a service only through its public entry: server.ts or index.ts.',
      from: { path: '^services/cli/' },
      to: { path: `^services/${SERVICES}/`, pathNot: `^services/${SERVICES}/(server|index)\\.ts$` },
    },
    {
      name: 'miner-stands-alone',
      severity: 'error',
      comment: 'The CPU miner is a stratum client and a second opinion on the pool\'s arithmetic: it imports no project code.',
      from: { path: '^services/miner/' },
      to: { path: '^services/(?!miner/)' },
    },
    {
      name: 'generated-is-generated',
      severity: 'error',
      comment: 'services/gen/ is ts-proto output: it imports only itself.',
      from: { path: '^services/gen/' },
      to: { path: '^services/(?!gen/)' },
    },
    {
      name: 'no-tests-in-production',
      severity: 'error',
      comment: 'Production code does not import test files or test/.',
      from: { path: '^services/', pathNot: ['\\.test\\.ts$', '/testing/', '/testing\\.ts$'] },
      to: { path: ['\\.test\\.ts$', '^test/'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve to a file.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^node_modules' },
    // TypeScript 7's compiler has no API dependency-cruiser can use: swc parses the sources (type-only
    // imports included, so the rules cover them too).
    parser: 'swc',
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
