import type { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';

/** A row that cannot be applied: its line in the file (1 = header) and the column at fault. */
export interface RowError {
  line: number;
  column: string | null;
  message: string;
}

/** One data row with the line it ended on. */
export interface CsvRecord {
  line: number;
  cells: Record<string, string>;
}

export class RowProblem extends Error {
  constructor(
    readonly column: string | null,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Streams a CSV file with a header line: calls onRecord for every data row, in order, while the
 * file is still arriving. Headers outside `known` and missing `required` headers are errors of
 * line 1; a file that is not valid CSV stops the read with the line where it broke.
 */
export async function readCsv(
  input: Readable | string,
  spec: { known: readonly string[]; required: readonly string[] },
  onRecord: (r: CsvRecord) => void | Promise<void>,
): Promise<RowError[]> {
  const errors: RowError[] = [];
  let header: string[] | undefined;
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    info: true,
    columns: (names: string[]) => {
      header = names.map((n) => n.trim().toLowerCase());
      for (const n of header)
        if (!spec.known.includes(n))
          errors.push({
            line: 1,
            column: n,
            message: `Unknown column "${n}"; the columns are ${spec.known.join(', ')}`,
          });
      for (const r of spec.required)
        if (!header.includes(r)) errors.push({ line: 1, column: r, message: `Column "${r}" is required` });
      return header;
    },
  });
  const source = typeof input === 'string' ? [input] : input;
  const feed = (async () => {
    for await (const chunk of source)
      if (!parser.write(chunk)) await new Promise((r) => parser.once('drain', r));
    parser.end();
  })();
  // Awaited below; marked handled now, as a failing source may reject before the parser ends.
  feed.catch(() => {});
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      if (errors.length > 0 && errors[0]!.line === 1) continue;
      await onRecord({ line: info.lines, cells: record });
    }
    await feed;
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const e = err as CsvError & { lines?: number; column?: string | number | null };
    errors.push({
      line: e.lines ?? 0,
      column: e.column === undefined || e.column === null ? null : String(e.column),
      message: `Not valid CSV: ${err.message}`,
    });
    await feed.catch(() => {});
  }
  return errors;
}

/** Cell readers: an empty cell means "not given". Each throws a RowProblem naming its column. */
export const cell = {
  text(cells: Record<string, string>, column: string, max: number): string | undefined {
    const v = cells[column];
    if (v === undefined || v === '') return undefined;
    if (v.length > max) throw new RowProblem(column, `${column} is longer than ${max} characters`);
    if (v.includes('\0')) throw new RowProblem(column, `${column} must not contain the NUL character`);
    return v;
  },
  number(cells: Record<string, string>, column: string, min: number, max: number): number | undefined {
    const v = cells[column];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!/^-?\d+(\.\d+)?$/.test(v) || n < min || n > max)
      throw new RowProblem(column, `${column} must be a number from ${min} to ${max}, got "${v}"`);
    return n;
  },
  integer(cells: Record<string, string>, column: string, min: number, max: number): number | undefined {
    const v = cells[column];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!/^-?\d+$/.test(v) || n < min || n > max)
      throw new RowProblem(column, `${column} must be a whole number from ${min} to ${max}, got "${v}"`);
    return n;
  },
  bool(cells: Record<string, string>, column: string): boolean | undefined {
    const v = cells[column];
    if (v === undefined || v === '') return undefined;
    if (/^(1|true|yes)$/i.test(v)) return true;
    if (/^(0|false|no)$/i.test(v)) return false;
    throw new RowProblem(column, `${column} must be true or false, got "${v}"`);
  },
  oneOf<T extends string>(
    cells: Record<string, string>,
    column: string,
    values: readonly T[],
  ): T | undefined {
    const v = cells[column];
    if (v === undefined || v === '') return undefined;
    if (!values.includes(v as T))
      throw new RowProblem(column, `${column} must be one of ${values.join(', ')}, got "${v}"`);
    return v as T;
  },
};

/** What every import answers: counts, the rows in error (line-numbered), and whether it was applied. */
export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  applied: boolean;
  errors: RowError[];
}

/** Progress of long work: done out of total (total may grow while a file streams in). */
export type Progress = (done: number, total: number) => void | Promise<void>;
