/** Link stream names by sender id, then by receiver id. */
const namesBySender = new Map<string, Map<string, string>>();
/** Names remembered at most: a process that simulates ever new node ids cannot grow this forever. */
const MAX_NAMES = 16_384;
let remembered = 0;

/**
 * The name of the random stream of the link `from → to`: `link:["from","to"]`. JSON keeps
 * ('p', '->q') and ('p->', 'q') on different streams. Remembered across simulations, because a
 * property test makes the same links in every case and the JSON cost about a tenth of seeding a
 * link (measured); the name is a pure function of the two ids, so remembering it changes nothing.
 */
export function linkStreamName(from: string, to: string): string {
  let row = namesBySender.get(from);
  let name = row?.get(to);
  if (name !== undefined) return name;
  if (remembered >= MAX_NAMES) {
    namesBySender.clear();
    remembered = 0;
    row = undefined;
  }
  if (row === undefined) {
    row = new Map();
    namesBySender.set(from, row);
  }
  name = `link:${JSON.stringify([from, to])}`;
  row.set(to, name);
  remembered++;
  return name;
}
