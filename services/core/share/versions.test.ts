// Every share version as a rule set: each one builds, parses and passes check() on a chain, and
// v34 is byte-identical to v35 when no bech32 program starts with a zero nibble (docs/protocol.md §11.6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChain, easyNetwork } from '../testing/chain-builder.ts';
import { verifyChain } from '../tracker/verify-chain.ts';
import { loadVector } from '../testing/vectors.ts';
import { networkFromDocument } from '../networks/index.ts';
import { encodeWrapper, readWrapper } from './codec.ts';
import { Reader } from '../codec/reader.ts';
import { parseWrappedShare } from './share.ts';
import { u256ToHex } from '../bitcoin/uint256.ts';
import { JT_VERSIONS, FV_VERSIONS, V36_VERSIONS } from './versions.ts';

const NOW = 1800000000;

for (const v of [...JT_VERSIONS, ...FV_VERSIONS, ...V36_VERSIONS.filter((x) => x.version >= 35)]) {
  test(`${v.lineage} v${v.version} (${v.className}): a generated chain parses and verifies`, () => {
    const net = easyNetwork({ chainLength: 30, lookbehind: 10, lineage: v.lineage, version: v.version });
    const { shares } = buildChain(net, { count: 40, desiredVersion: v.votingVersion });
    assert.ok(shares.every((s) => s.type === v.version));
    const verdicts = [
      ...verifyChain(
        net,
        shares.map((s) => s.pack()),
        NOW,
      ),
    ];
    assert.deepEqual(
      verdicts.filter((x) => !x.ok),
      [],
    );
    assert.equal(shares[0]!.layout.rules.layout, v.layout);
  });
}

test('the jt35 vector chain re-typed as v34 verifies with the same share hashes', () => {
  const doc = loadVector('jt35.json');
  const net = networkFromDocument({ ...doc, version: 34 });
  const packed = doc.shares.map((s: any) => {
    const w = readWrapper(new Reader(Buffer.from(s.packed_share_hex, 'hex')));
    return encodeWrapper(34, w.contents);
  });
  const verdicts = [...verifyChain(net, packed, NOW)];
  assert.deepEqual(
    verdicts.filter((x) => !x.ok),
    [],
  );
  verdicts.forEach((x, i) => {
    assert.equal(u256ToHex(x.share!.hash), doc.shares[i].share_hash);
  });
  assert.equal(parseWrappedShare(net, packed[0]).type, 34);
});

test('obsolete and unknown share types are rejected as the reference does', () => {
  const net = networkFromDocument(loadVector('jt35.json'));
  const contents = readWrapper(new Reader(Buffer.from(loadVector('jt35.json').shares[0].packed_share_hex, 'hex'))).contents;
  assert.throws(
    () => parseWrappedShare(net, encodeWrapper(16, contents)),
    (e: any) => e.rule === 'obsolete' && e.misbehaving,
  );
  assert.throws(
    () => parseWrappedShare(net, encodeWrapper(36, contents)),
    (e: any) => e.rule === 'unknown-type' && !e.misbehaving,
  );
});
