import fs from 'node:fs';
import os from 'node:os';

/**
 * Where the server's JSON log lines go (stdout, fd 1): asynchronous like pino's default, but a write
 * error never reaches the process. pino's default SonicBoom re-emits a failed write as an 'error'
 * event nobody can handle, the process starts to exit, and the exit hook's flushSync() retries
 * ENOSPC forever — a full disk under the log hung the server for good. Here:
 *
 * - EAGAIN/EWOULDBLOCK/EBUSY/EINTR (a non-blocking pipe whose reader is behind): the batch waits
 *   and is retried; lines keep queueing up to MAX_QUEUED, past that the newest are dropped.
 * - EPIPE/EBADF (no one reads any more): every line from now on is dropped.
 * - anything else (ENOSPC, EDQUOT, EFBIG, EIO…): the failing batch is dropped; later lines are tried,
 *   so logging resumes by itself once there is room.
 *
 * Dropped lines are counted: stderr is told once per outage (if it can be written), and the count is
 * logged as an error line as soon as the log can be written again. Nothing here throws, and only the
 * exit flush waits (for EAGAIN, at most EXIT_FLUSH_MS).
 */

/** Bytes (UTF-16 units, close enough) queued at most while the destination is slow or stuck. */
const MAX_QUEUED = 4 * 1024 * 1024;
/** Bytes per write(2), like SonicBoom's (a pipe reader such as Docker's reads 16 KB at a time). */
const MAX_WRITE = 16 * 1024;
const RETRY_MS = 100;
/** How soon, after lines were dropped and nothing else is logged, the count is tried again. */
const REPORT_MS = 1000;
/** At exit: how long EAGAIN may be waited out before the rest is dropped. */
const EXIT_FLUSH_MS = 500;

const RETRY = new Set(['EAGAIN', 'EWOULDBLOCK', 'EBUSY', 'EINTR']);
const GONE = new Set(['EPIPE', 'EBADF']);

interface Batch {
  bytes: Buffer;
  /** Log lines in it (a dropped batch adds these to the count). */
  lines: number;
  /** The dropped-lines count its report line carries (0: none); settled once the batch is written. */
  report: number;
}

export class LogDestination {
  private queue: string[] = [];
  private queued = 0;
  /** The batch being written, or waiting for its retry after EAGAIN. */
  private batch: Batch | undefined;
  private writing = false;
  /** 'again': the batch waits out EAGAIN; 'report': lines were dropped, the count is tried later. */
  private waiting: { why: 'again' | 'report'; timer: NodeJS.Timeout } | undefined;
  private gone = false;
  /** A batch was cut short after part of it was written: the next write starts on a new line. */
  private torn = false;
  private droppedLines = 0;
  private lastError = '';
  private telling = false;
  private told = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly fd: number) {}

  /** Lines dropped and not yet reported in the log. */
  get dropped(): number {
    return this.droppedLines;
  }

  /** pino's stream interface: one serialized line, newline included. Always accepted (or counted). */
  write(line: string): boolean {
    if (this.gone || this.queued + line.length > MAX_QUEUED) {
      this.drop(1, this.gone ? this.lastError : 'log buffer full');
      return true;
    }
    this.queue.push(line);
    this.queued += line.length;
    if (this.waiting?.why === 'report') this.stopWaiting();
    if (!this.writing && !this.waiting) this.next();
    return true;
  }

  /** Resolves once everything queued has been written or dropped, or after `ms`. Never rejects. */
  idle(ms: number): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => {
      const timeout = setTimeout(resolve, ms);
      timeout.unref();
      this.idleWaiters.push(() => {
        clearTimeout(timeout);
        resolve();
      });
    });
  }

  /**
   * At process exit, when the event loop is gone: what is queued is written synchronously, but only
   * if no asynchronous write is in flight (on a blocking pipe whose reader is stuck, a second write
   * would block the exit too); EAGAIN is waited out at most EXIT_FLUSH_MS, any other error drops it.
   */
  flushSync(): void {
    if (this.writing || this.gone) return;
    this.stopWaiting();
    const until = Date.now() + EXIT_FLUSH_MS;
    for (let batch = this.batch ?? this.take(); batch; batch = this.take()) {
      this.batch = undefined;
      for (let bytes = batch.bytes; bytes.length > 0; ) {
        try {
          bytes = bytes.subarray(fs.writeSync(this.fd, bytes));
        } catch (error) {
          if (!RETRY.has(codeOf(error)) || Date.now() > until) return;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        }
      }
      this.droppedLines -= batch.report;
    }
  }

  private busy(): boolean {
    return this.writing || this.batch !== undefined || this.queue.length > 0;
  }

  private stopWaiting(): void {
    clearTimeout(this.waiting?.timer);
    this.waiting = undefined;
  }

  private wait(why: 'again' | 'report', ms: number): void {
    const timer = setTimeout(() => {
      this.waiting = undefined;
      this.next();
    }, ms);
    timer.unref(); // the server's sockets keep the process alive; a log retry alone must not
    this.waiting = { why, timer };
  }

  /** The next batch: a dropped-lines report if one is due, then queued lines up to MAX_WRITE. */
  private take(): Batch | undefined {
    const report = this.droppedLines;
    if (this.queue.length === 0 && report === 0) return undefined;
    const parts: string[] = [];
    if (this.torn) parts.push('\n');
    if (report > 0) parts.push(reportLine(report, this.lastError));
    let size = 0;
    let lines = 0;
    while (this.queue.length > 0 && (lines === 0 || size + this.queue[0]!.length <= MAX_WRITE)) {
      const line = this.queue.shift()!;
      parts.push(line);
      size += line.length;
      lines += 1;
    }
    this.queued -= size;
    return { bytes: Buffer.from(parts.join('')), lines, report };
  }

  private next(): void {
    this.batch ??= this.take();
    const batch = this.batch;
    if (!batch) {
      this.settled();
      return;
    }
    this.writing = true;
    fs.write(this.fd, batch.bytes, 0, batch.bytes.length, null, (error, written) => {
      this.writing = false;
      if (error) this.failed(batch, codeOf(error));
      else this.wrote(batch, written);
    });
  }

  private wrote(batch: Batch, written: number): void {
    if (written < batch.bytes.length) {
      // A partial write: the rest goes next, and if that fails the line left open is closed first.
      batch.bytes = batch.bytes.subarray(written);
      this.torn = true;
    } else {
      this.batch = undefined;
      this.torn = false;
      this.droppedLines -= batch.report;
      if (this.droppedLines === 0) this.told = false;
    }
    this.next();
  }

  private failed(batch: Batch, code: string): void {
    if (RETRY.has(code)) {
      this.wait('again', RETRY_MS);
      return;
    }
    this.batch = undefined;
    if (GONE.has(code)) {
      this.gone = true;
      this.queued = 0;
      this.drop(batch.lines + this.queue.splice(0).length, code);
    } else {
      this.drop(batch.lines, code);
    }
    if (this.queue.length > 0) {
      this.next();
      return;
    }
    // Nothing else to write: the count is tried again later, so it is logged even if the server is quiet.
    if (!this.gone) this.wait('report', REPORT_MS);
    this.settled();
  }

  private drop(lines: number, why: string): void {
    this.droppedLines += lines;
    this.lastError = why;
    if (this.told || this.telling || lines === 0) return;
    // stderr may be a pipe or the same full disk: written asynchronously, once per outage, errors ignored.
    this.told = true;
    this.telling = true;
    const text = `albumd: log lines are being dropped (${why}); their count is logged once the log can be written again\n`;
    fs.write(2, text, () => (this.telling = false));
  }

  private settled(): void {
    if (this.busy()) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'EIO';
}

/**
 * The count, in pino's own line format (level, time, pid, hostname). Level 50 (error): lines of any
 * level were lost, and an operator who logs only errors must still learn that.
 */
function reportLine(dropped: number, reason: string): string {
  const msg = 'log lines were dropped: the log could not be written';
  return `${JSON.stringify({ level: 50, time: Date.now(), pid: process.pid, hostname: os.hostname(), dropped, reason, msg })}\n`;
}

let stdout: LogDestination | undefined;

/** The one destination for stdout in this process (every logger shares it, so lines never interleave). */
export function stdoutDestination(): LogDestination {
  if (!stdout) {
    const destination = new LogDestination(1);
    process.on('exit', () => destination.flushSync());
    stdout = destination;
  }
  return stdout;
}
