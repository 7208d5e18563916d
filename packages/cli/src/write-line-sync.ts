import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes `text` to file descriptor `fd` before returning. `process.stdout.write` on a pipe is
 * asynchronous: what it buffered is lost when the process is killed with SIGKILL, and a node's
 * report that it delivered an intent must not be. When the pipe is full (`EAGAIN`, the reader is
 * behind), it waits a millisecond and tries again.
 */
export function writeLineSync(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
