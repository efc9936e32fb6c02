// Decodes HEIC/HEIF off the main thread and shrinks it here, so only a thumbnail-sized image ever
// leaves the worker. libheif is called directly (not through heic-decode's `display`, which copies
// the whole RGBA image twice): the decoded pixels are read in place from WebAssembly memory, in RGB
// unless the image has alpha. WebAssembly memory only grows, so the pool replaces this worker when
// the heap it reports has grown large.
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';

// libheif-js comes with heic-decode: resolved from there, it is found however npm lays it out.
const require = createRequire(import.meta.url);
const libheif = createRequire(require.resolve('heic-decode'))('libheif-js/wasm-bundle');

sharp.cache(false);

function check(result, what) {
  if (!result || (typeof result.code === 'number' && result.code !== 0)) {
    throw new Error(`${what}: ${result && result.message ? result.message : 'failed'}`);
  }
  return result;
}

async function decode(buffer, edge, maxPixels) {
  await libheif.ready;
  const context = libheif.heif_context_alloc();
  let handle;
  let image;
  try {
    check(libheif.heif_context_read_from_memory(context, buffer), 'read');
    handle = check(libheif.heif_js_context_get_primary_image_handle(context), 'primary image');
    const width = libheif.heif_image_handle_get_width(handle);
    const height = libheif.heif_image_handle_get_height(handle);
    // The main thread checked the header already; this guards a header sharp read differently.
    if (!(width > 0 && height > 0)) throw new Error('no image size');
    if (width * height > maxPixels) throw new Error('image exceeds the pixel limit');
    const alpha = libheif.heif_image_handle_has_alpha_channel(handle) !== 0;
    const channels = alpha ? 4 : 3;
    const chroma = alpha ? libheif.heif_chroma.heif_chroma_interleaved_RGBA : libheif.heif_chroma.heif_chroma_interleaved_RGB;
    const decoded = check(libheif.heif_js_decode_image2(handle, libheif.heif_colorspace.heif_colorspace_RGB, chroma), 'decode');
    image = decoded.image;
    const plane = decoded.channels && decoded.channels[0];
    if (!plane || plane.width !== width || plane.height !== height) throw new Error('decoded image has an unexpected size');
    const row = width * channels;
    const pixels = plane.data; // a view into WebAssembly memory: no copy
    // Rows may be padded; close the gaps in place (each row moves towards the start, never over one not yet moved).
    if (plane.stride !== row) for (let y = 1; y < height; y++) pixels.copyWithin(y * row, y * plane.stride, y * plane.stride + row);
    const view = Buffer.from(pixels.buffer, pixels.byteOffset, row * height);
    const { data, info } = await sharp(view, { raw: { width, height, channels } })
      .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, channels: info.channels, data };
  } finally {
    if (image) libheif.heif_image_release(image);
    if (handle) libheif.heif_image_handle_release(handle);
    libheif.heif_context_free(context);
  }
}

parentPort.on('message', async ({ id, buffer, edge, maxPixels }) => {
  try {
    const out = await decode(Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength), edge, maxPixels);
    parentPort.postMessage({ id, ...out, heapBytes: libheif.HEAPU8.length });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error), heapBytes: libheif.HEAPU8.length });
  }
});
