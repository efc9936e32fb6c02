import fsp from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

export interface RawImage {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA), one byte each. */
  channels: 3 | 4;
  data: Buffer;
}

const DECODES_PER_WORKER = 50;
const DECODE_TIMEOUT_MS = 60_000;
/** A worker whose WebAssembly heap grew past this (a large photo) is replaced at once: that memory never shrinks. */
const RETIRE_HEAP_BYTES = 128 * 2 ** 20;
/** An idle worker is let go, so a quiet server keeps no decoder memory. */
const IDLE_MS = 30_000;

interface Reply {
  id: number;
  error?: string;
  width?: number;
  height?: number;
  channels?: 3 | 4;
  data?: Uint8Array;
  heapBytes?: number;
}

/**
 * One worker thread decoding HEIC at a time, shrinking each image to a long edge in the worker
 * so only that small image crosses back. The worker is replaced after DECODES_PER_WORKER decodes,
 * after a decode that grew its heap past RETIRE_HEAP_BYTES, after a failure or timeout, and when
 * idle, so the server's memory does not keep what the largest photo needed.
 */
export class HeicDecoder {
  private worker: Worker | undefined;
  private used = 0;
  private seq = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;

  /** `maxPixels`: the worker's own last check, before it decodes a pixel (libheif also holds the decode to the declared size). */
  constructor(private readonly maxPixels: number) {}

  /** The image at `file`, shrunk (never enlarged) to fit `edge`×`edge`; refused above `maxPixels`. */
  decode(file: string, edge: number, maxPixels = this.maxPixels): Promise<RawImage> {
    const run = this.chain.then(() => this.decodeNow(file, edge, Math.min(maxPixels, this.maxPixels)));
    this.chain = run.catch(() => undefined).finally(() => this.armIdleTimer());
    return run;
  }

  async close(): Promise<void> {
    await this.chain;
    clearTimeout(this.idleTimer);
    await this.retire();
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    if (!this.worker) return;
    // Through the chain, so it never ends a worker in the middle of a decode.
    this.idleTimer = setTimeout(() => (this.chain = this.chain.then(() => this.retire())), IDLE_MS);
    this.idleTimer.unref();
  }

  private async retire(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.used = 0;
    if (w) await w.terminate();
  }

  private async decodeNow(file: string, edge: number, maxPixels: number): Promise<RawImage> {
    clearTimeout(this.idleTimer);
    const buffer = await fsp.readFile(file);
    if (!this.worker || this.used >= DECODES_PER_WORKER) {
      await this.retire();
      this.worker = new Worker(new URL('./heic-worker.mjs', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 256 } });
      this.worker.unref();
    }
    this.used += 1;
    const worker = this.worker;
    const id = ++this.seq;
    let heapBytes = 0;
    try {
      return await new Promise<RawImage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('HEIC decode timed out')), DECODE_TIMEOUT_MS);
        const onMessage = (m: Reply) => {
          if (m.id !== id) return;
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.off('error', onError);
          heapBytes = m.heapBytes ?? 0;
          if (m.error !== undefined || !m.data || !m.width || !m.height || !m.channels) reject(new Error(m.error ?? 'HEIC decode failed'));
          else resolve({ width: m.width, height: m.height, channels: m.channels, data: Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength) });
        };
        const onError = (error: Error) => {
          clearTimeout(timer);
          reject(error);
        };
        worker.on('message', onMessage);
        worker.once('error', onError);
        worker.postMessage({ id, buffer, edge, maxPixels }, [buffer.buffer as ArrayBuffer]);
      });
    } catch (error) {
      await this.retire();
      throw error;
    } finally {
      if (heapBytes > RETIRE_HEAP_BYTES) await this.retire();
    }
  }
}
