import { Worker } from 'node:worker_threads';

/**
 * Runs the WAL checkpoints of a SQLite file on a worker thread with its own connection. The writer
 * keeps a large auto-checkpoint only as a safety net, should this thread ever stop.
 */
export function startCheckpointer(file: string, everyMs = 1000): { stop(): Promise<void> } {
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData: { file, everyMs } });
  worker.unref();
  worker.on('error', () => undefined);
  return {
    async stop() {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000);
        worker.once('message', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage('stop');
      });
      await worker.terminate();
    },
  };
}
