// The benchmark's reporting helpers: best-of-N timing and the plain-text tables `npm run bench` prints,
// shared by the rows in run.ts and the VMM's rows in vmm.ts.

/** The fastest of `runs` runs of f (the least disturbed by other load on a shared machine). */
export function best<T extends { seconds: number }>(runs: number, f: () => T): T {
  let b: T | undefined;
  for (let i = 0; i < runs; i++) {
    const r = f();
    if (!b || r.seconds < b.seconds) b = r;
  }
  return b!;
}

export const fmt = (v: number | undefined, digits = 1): string => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));

/** Rows as aligned columns; the first row is the header. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r, i) => {
    const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
    return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
}
