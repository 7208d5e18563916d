/**
 * Lays out rows as a plain-text table: one header row, columns separated by two spaces, each
 * column as wide as its widest cell, numbers aligned right. No escape codes, so the output reads
 * the same in a terminal, a pipe or a CI log.
 *
 * @example
 * ```ts
 * textTable(['ID', 'STATE'], [['1', 'alive']]); // 'ID  STATE\n 1  alive'
 * ```
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const numeric = header.map((_, column) =>
    rows.length > 0 ? rows.every((row) => /^-?\d+$/.test(row[column] ?? '')) : false,
  );
  const line = (cells: readonly string[]): string =>
    header
      .map((_, column) => {
        const cell = cells[column] ?? '';
        const width = widths[column] ?? 0;
        return numeric[column] ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
