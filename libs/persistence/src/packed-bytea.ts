/**
 * Many byte strings as one `bytea` parameter, for statements that store a row per element (`unnest`). node-postgres
 * sends a Buffer parameter as it is, but a Buffer[] as the text of an array of hex strings: twice the bytes, built and
 * escaped in JavaScript, parsed again by PostgreSQL. SQL takes the parts out with
 * `substring($bytes::bytea from start for length)`, `start` and `length` unnested beside the other columns (a null start: a null value).
 */
export interface PackedBytea {
  bytes: Buffer;
  starts: (number | null)[];
  lengths: (number | null)[];
}

export function packBytea(values: readonly (Buffer | null)[]): PackedBytea {
  const starts: (number | null)[] = [];
  const lengths: (number | null)[] = [];
  let start = 1;
  for (const value of values) {
    starts.push(value === null ? null : start);
    lengths.push(value === null ? null : value.length);
    start += value?.length ?? 0;
  }
  return { bytes: Buffer.concat(values.filter((value): value is Buffer => value !== null)), starts, lengths };
}
