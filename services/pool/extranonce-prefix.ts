// Which extranonce prefix an edge takes from its instance name: the edge uses it, the operator reports
// the prefixes in use (docs/operator.md, "Unique extranonce prefixes"), so the rule lives here, pure.

export interface ExtranoncePrefix {
  /** This edge's prefix value, < 2^bits (the operator sets it per pod, e.g. the StatefulSet ordinal). */
  value: number;
  /** Width of the prefix in bits; 0 for a single edge. */
  bits: number;
}

// Edges behind one Service must hand out distinct coinbases: a StatefulSet pod "edge-3" takes prefix 3
// of 256; elsewhere (one edge, or unordered pods) no prefix, the per-job random share nonce then keeps
// coinbases apart.
export function extranoncePrefixFor(instance: string): ExtranoncePrefix {
  const m = /-(\d+)$/.exec(instance);
  return m ? { value: Number(m[1]) % 256, bits: 8 } : { value: 0, bits: 0 };
}
