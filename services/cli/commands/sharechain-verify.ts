// `p2pool sharechain verify --net-file FILE --chain FILE`: implemented with the consensus core.
export async function sharechainVerify(args: string[]): Promise<number> {
  void args;
  throw new Error('sharechain verify: not implemented yet');
}
