// Values shaped to break code that walks them recursively: shared by the bad-input tests.

/** `levels` arrays nested inside one another around 1: `[[1]]` is 2 levels. */
export function nestedArrays(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = [value];
  return value;
}

/** `levels` objects nested inside one another around 1: `{ x: { x: 1 } }` is 2 levels. */
export function nestedObjects(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = { x: value };
  return value;
}
