/**
 * The 1 MiB buffers files are read into, for hashing and for sending, kept for the next file: an
 * import reads every file twice, and a fresh buffer each time was most of the importer's garbage
 * collection (a buffer this size is memory outside the heap that V8 must collect).
 */
export const CHUNK = 1024 * 1024;
const KEPT = 16;
const free: Buffer[] = [];

export const takeBuffer = (): Buffer => free.pop() ?? Buffer.allocUnsafe(CHUNK);

/** Only once nothing holds the buffer any more (a socket write that has not called back still does). */
export const giveBack = (buffer: Buffer): void => {
  if (free.length < KEPT) free.push(buffer);
};
