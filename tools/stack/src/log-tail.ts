import * as fs from 'node:fs';

/** The last `lines` lines of a text file (empty when it does not exist), for error messages. */
export function tailFile(file: string, lines = 40): string {
  let text: string;
  try {
    const { size } = fs.statSync(file);
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buffer, 0, length, size - length);
    } finally {
      fs.closeSync(fd);
    }
    text = buffer.toString('utf8');
  } catch {
    return '';
  }
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n')
    .trimEnd();
}

/** Keeps the last lines written by a process, to explain a failed start. */
export class LineRing {
  private readonly lines: string[] = [];

  constructor(private readonly capacity = 60) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  toString(): string {
    return this.lines.join('\n');
  }
}
