// Job ids name the edge process that issued them: the first TAG_HEX hex digits are the edge's tag
// (its extranonce prefix byte and 16 random bits, so a restarted pod with the same ordinal gets a
// new tag), the rest is the registry's counter. An edge that gets a submit for a job it does not
// know sends it to the edge with that tag (docs/rollout.md).
export const TAG_HEX = 6;

export function newJobTag(prefixValue: number, random: () => number = Math.random): string {
  const r = Math.floor(random() * 0x10000) & 0xffff;
  return ((prefixValue & 0xff) * 0x10000 + r).toString(16).padStart(TAG_HEX, '0');
}

/** The issuing edge's tag of a job id, or null when the id is not one of ours. */
export function jobTagOf(jobId: unknown): string | null {
  if (typeof jobId !== 'string' || jobId.length <= TAG_HEX) return null;
  const tag = jobId.slice(0, TAG_HEX);
  return /^[0-9a-f]+$/.test(tag) ? tag : null;
}
