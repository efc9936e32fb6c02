// Decodes HEIC/HEIF images off the main thread. libheif's WebAssembly memory only grows, so the
// pool replaces this worker after a number of decodes.
import { parentPort } from 'node:worker_threads';
import decode from 'heic-decode';

parentPort.on('message', async ({ id, buffer }) => {
  try {
    const image = await decode({ buffer: Buffer.from(buffer) });
    const data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    parentPort.postMessage({ id, width: image.width, height: image.height, data }, [data.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
