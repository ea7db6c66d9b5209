/** A list counts its matches up to this many, so its count never walks a whole table. */
export const countCap = 10_000;

/**
 * A page of a list: its rows, and a count of the matches that stops past `countCap` (Prisma's
 * count with `take`: a LIMITed subquery), run side by side.
 */
export async function pageOfRows<T>(window: { limit: number; offset: number }, count: (take: number) => Promise<number>, rows: Promise<T[]>) {
  const [counted, items] = await Promise.all([count(countCap + 1), rows]);
  return { total: Math.min(counted, countCap), totalCapped: counted > countCap, limit: window.limit, offset: window.offset, items };
}
