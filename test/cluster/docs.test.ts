// docs/bus.md is the one place subjects, streams and retention are written down; keep it true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { definitions, SERVICE_NAMES } from '../../services/bus/contracts.ts';
import { ALL_EVENTS, STREAMS } from '../../services/bus/events.ts';
import { bucketName, DEFAULT_PREFIX, eventSubject, rpcQueue, rpcSubject, streamName } from '../../services/bus/subjects.ts';
import { REGISTRY_BUCKET } from '../../services/runtime/registry.ts';
import { NETWORKS } from '../../services/core/networks/index.ts';
import { shareStreamFor } from '../../services/sharechain/store/bus-store.ts';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'bus.md'), 'utf8');

test('every event is documented with its subject and stream', () => {
  for (const e of ALL_EVENTS) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${e.name}\``));
    assert.ok(row, `docs/bus.md has no row for event ${e.name}`);
    assert.ok(
      row.includes(`\`${eventSubject(DEFAULT_PREFIX, e.topic)}\``),
      `${e.name}: subject ${eventSubject(DEFAULT_PREFIX, e.topic)} not in its row`,
    );
    assert.ok(row.includes(e.stream ? `\`${e.stream.name}\`` : '| – |'), `${e.name}: stream ${e.stream?.name ?? 'none'} not in its row`);
  }
});

test('every stream is documented with its subjects and limits', () => {
  for (const s of STREAMS) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${streamName(DEFAULT_PREFIX, s.name)}\``));
    assert.ok(row, `docs/bus.md has no row for stream ${s.name}`);
    for (const t of s.topics) assert.ok(row.includes(eventSubject(DEFAULT_PREFIX, t)), `${s.name}: ${t}`);
    if (s.maxMsgs) assert.ok(row.includes(`\`max_msgs\` ${s.maxMsgs}`), `${s.name}: max_msgs ${s.maxMsgs}`);
    if (s.maxAgeMs) assert.ok(row.includes(`\`max_age\` ${s.maxAgeMs / 86_400_000} days`), `${s.name}: max_age`);
  }
  assert.ok(doc.includes(`\`${bucketName(DEFAULT_PREFIX, REGISTRY_BUCKET.name)}\``));
  assert.ok(doc.includes(`| ${REGISTRY_BUCKET.ttlMs! / 1000} s |`));
});

test('every method of every contract is documented, queries as queries', () => {
  for (const name of SERVICE_NAMES) {
    const def = definitions[name];
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` | \`${def.name}\``));
    assert.ok(row, `docs/bus.md has no row for service ${name}`);
    const [queries, others] = row.split('(queries)');
    for (const m of Object.values(def.methods)) {
      const q = m.options.idempotencyLevel === 'NO_SIDE_EFFECTS';
      assert.ok(
        (q ? queries! : (others ?? '')).includes(`\`${m.name}\``),
        `${def.name}.${m.name} (${q ? 'query' : 'mutating'}) not documented as such`,
      );
    }
  }
  assert.ok(doc.includes(`\`${rpcSubject(DEFAULT_PREFIX, 'p2pool.v1.Sharechain', 'SubmitShare')}\``));
  assert.ok(doc.includes(`\`${rpcQueue(DEFAULT_PREFIX, 'p2pool.v1.Sharechain')}\``));
});

test("the sharechain's store stream is documented as the code names it", () => {
  const row = doc.split('\n').find((l) => l.startsWith('| `P2POOL_SHARES_<NET>`'));
  assert.ok(row, 'docs/bus.md has no row for the sharechain store stream');
  const { spec, shareTopic, verifiedTopic } = shareStreamFor(NETWORKS.litecoin!);
  assert.ok(row.includes(`\`${streamName(DEFAULT_PREFIX, spec.name)}\``), `${streamName(DEFAULT_PREFIX, spec.name)} not in the row`);
  assert.ok(row.includes(`\`${eventSubject(DEFAULT_PREFIX, shareTopic).replace('litecoin', '<net>')}\``));
  assert.ok(row.includes(`\`${eventSubject(DEFAULT_PREFIX, verifiedTopic).replace('litecoin', '<net>')}\``));
  for (const [name, net] of Object.entries(NETWORKS)) {
    const figure =
      name === 'litecoin_regtest_v35'
        ? '1500 for litecoin_regtest_v35'
        : name.includes('regtest')
          ? '2800 for the regtests'
          : '44200 for bitcoin and litecoin';
    if (name.endsWith('_testnet')) continue;
    assert.equal(shareStreamFor(net).spec.maxMsgs, Number(figure.split(' ')[0]), name);
    assert.ok(row.includes(figure));
  }
});
