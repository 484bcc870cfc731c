// mining.configure(extensions, parameters) (BIP310). Version rolling is granted within the
// edge's mask (0x1fffe000 by default) intersected with the miner's:
//   >> {"id":1,"method":"mining.configure","params":[["version-rolling"],{"version-rolling.mask":"ffffffff","version-rolling.min-bit-count":2}]}
//   << {"jsonrpc":"2.0","id":1,"result":{"version-rolling":true,"version-rolling.mask":"1fffe000"},"error":null}
import type { Handler } from '../dispatcher.ts';
import { StratumError } from '../errors.ts';
import { INVALID_PARAMS } from '../../codec/jsonrpc.ts';
import { u32Hex } from '../../codec/bytes.ts';
import { minerDifficultyToTarget } from '../../edge-context.ts';

export const configure: Handler = (s, req) => {
  const [extensions, rawParams] = req.params;
  if (!Array.isArray(extensions)) throw new StratumError(INVALID_PARAMS, 'mining.configure needs a list of extensions');
  const params = rawParams !== null && typeof rawParams === 'object' ? (rawParams as Record<string, unknown>) : {};
  const result: Record<string, unknown> = {};
  for (const ext of extensions) {
    if (ext === 'version-rolling') {
      const asked = params['version-rolling.mask'];
      const minerMask = typeof asked === 'string' && /^[0-9a-fA-F]{1,8}$/.test(asked) ? parseInt(asked, 16) : 0xffffffff;
      s.versionMask = (s.ctx.config.versionRollingMask & minerMask) >>> 0;
      result['version-rolling'] = s.versionMask !== 0;
      result['version-rolling.mask'] = u32Hex(s.versionMask);
    } else if (ext === 'minimum-difficulty') {
      const d = Number(params['minimum-difficulty.value']);
      if (d > 0 && Number.isFinite(d)) s.suggestedTarget = minerDifficultyToTarget(s.ctx.config, d);
      result['minimum-difficulty'] = d > 0;
    } else if (ext === 'subscribe-extranonce') {
      // Our extranonce1 never changes during a session, so the promise is trivially kept.
      result['subscribe-extranonce'] = true;
    } else if (typeof ext === 'string') {
      result[ext] = false;
    }
  }
  s.reply(req.id, result);
};
