import fsp from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

export interface RawImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  data: Buffer;
}

const DECODES_PER_WORKER = 50;
const DECODE_TIMEOUT_MS = 60_000;

/**
 * One worker thread decoding HEIC at a time, replaced after DECODES_PER_WORKER decodes (or a
 * failure or timeout), so the server's memory does not grow with the photos it has seen.
 */
export class HeicDecoder {
  private worker: Worker | undefined;
  private used = 0;
  private seq = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly pixelLimit: number) {}

  decode(file: string): Promise<RawImage> {
    const run = this.chain.then(() => this.decodeNow(file));
    this.chain = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.retire();
  }

  private async retire(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.used = 0;
    if (w) await w.terminate();
  }

  private async decodeNow(file: string): Promise<RawImage> {
    const buffer = await fsp.readFile(file);
    if (!this.worker || this.used >= DECODES_PER_WORKER) {
      await this.retire();
      this.worker = new Worker(new URL('./heic-worker.mjs', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 512 } });
      this.worker.unref();
    }
    this.used += 1;
    const worker = this.worker;
    const id = ++this.seq;
    try {
      return await new Promise<RawImage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('HEIC decode timed out')), DECODE_TIMEOUT_MS);
        const onMessage = (m: { id: number; error?: string; width?: number; height?: number; data?: Uint8Array }) => {
          if (m.id !== id) return;
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.off('error', onError);
          if (m.error !== undefined) reject(new Error(m.error));
          else if (m.width! * m.height! > this.pixelLimit) reject(new Error('image exceeds the pixel limit'));
          else resolve({ width: m.width!, height: m.height!, data: Buffer.from(m.data!.buffer, m.data!.byteOffset, m.data!.byteLength) });
        };
        const onError = (error: Error) => {
          clearTimeout(timer);
          reject(error);
        };
        worker.on('message', onMessage);
        worker.once('error', onError);
        worker.postMessage({ id, buffer }, [buffer.buffer as ArrayBuffer]);
      });
    } catch (error) {
      await this.retire();
      throw error;
    }
  }
}
