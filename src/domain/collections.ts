/**
 * Groups items by a key, keeping their order within each group (and the groups in order of first
 * appearance). For batches of thousands of rows, where filtering per item would be quadratic.
 *
 * @example
 * groupBy([{ o: 1 }, { o: 2 }, { o: 1 }], (x) => x.o); // Map { 1 => [{o:1},{o:1}], 2 => [{o:2}] }
 */
export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}
