import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** What one poll of a growing CSV file found: new complete rows, or `reset` when the file was replaced. */
export interface TailChunk {
  rows: Record<string, string>[];
  /** The file was replaced, truncated or removed: `rows` are all of its rows, read from the start. */
  reset: boolean;
}

/**
 * Reads a CSV file that another process appends to, a poll at a time: only the bytes added since the
 * last poll are read, and a torn last line (an append in progress) is held back until its newline lands.
 * A file replaced whole (a new inode, as the run-order rewrite at the end of a sweep does) or truncated
 * (--force) is read again from the start and flagged `reset`.
 */
export class CsvTail {
  private offset = 0;
  private inode = -1;
  private pending = Buffer.alloc(0);
  private columns: string[] | undefined;

  constructor(readonly file: string) {}

  /** The rows appended since the previous poll (complete lines only). */
  poll(): TailChunk {
    let st: { ino: number; size: number };
    try {
      st = statSync(this.file);
    } catch {
      const reset = this.inode !== -1;
      this.restart(-1);
      return { rows: [], reset };
    }
    let reset = false;
    if (st.ino !== this.inode || st.size < this.offset) {
      reset = this.inode !== -1;
      this.restart(st.ino);
    }
    if (st.size > this.offset) this.readNew();
    return { rows: this.takeRows(), reset };
  }

  private restart(inode: number): void {
    this.inode = inode;
    this.offset = 0;
    this.pending = Buffer.alloc(0);
    this.columns = undefined;
  }

  private readNew(): void {
    const fd = openSync(this.file, 'r');
    try {
      // The size at open time: bytes appended while we read are picked up by the next poll.
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, this.offset + got);
        if (n === 0) break;
        got += n;
      }
      this.offset += got;
      this.pending = Buffer.concat([this.pending, buf.subarray(0, got)]);
    } finally {
      closeSync(fd);
    }
  }

  /** Parse the complete lines held; a quoted field spanning lines that is not yet closed waits for more. */
  private takeRows(): Record<string, string>[] {
    const cut = this.pending.lastIndexOf(0x0a);
    if (cut < 0) return [];
    const text = this.pending.subarray(0, cut + 1).toString('utf8');
    let records: string[][];
    try {
      records = parse(text, { relax_column_count: true }) as string[][];
    } catch {
      return []; // an open quote: the rest of the record has not landed yet
    }
    this.pending = this.pending.subarray(cut + 1);
    if (this.columns === undefined) this.columns = records.shift();
    const columns = this.columns ?? [];
    return records.map((rec) => Object.fromEntries(columns.map((c, i) => [c, rec[i] ?? ''])));
  }
}
