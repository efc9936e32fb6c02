import fsp from 'node:fs/promises';
import { createFile, Log } from 'mp4box';

export interface VideoMeta {
  width: number | null;
  height: number | null;
  duration: number | null;
  createdAt: number | null;
}

// mp4box prints unknown boxes (QuickTime metadata such as ©swr) to the console; failures that matter
// reach onError, so its own log stays quiet.
(Log as { error: (...args: unknown[]) => void }).error = () => undefined;

const CHUNK = 1 << 20;
const MAX_READ = 64 << 20;
// 1904-01-01: MP4 times count from there; 0 there means "not set".
const MP4_EPOCH_MS = Date.UTC(1904, 0, 1);

/**
 * Duration, display size and creation time of an MP4/MOV from its moov box. Reads the file in
 * chunks, jumping over media data, so memory and time do not grow with the file.
 */
export async function readIsoBmff(file: string): Promise<VideoMeta> {
  const handle = await fsp.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const mp4 = createFile();
    let info: MovieInfo | undefined;
    let failure: string | undefined;
    mp4.onReady = (i) => (info = i as unknown as MovieInfo);
    mp4.onError = (_module: string, message: string) => (failure = message);
    let offset = 0;
    let read = 0;
    while (!info && !failure && offset < size && read < MAX_READ) {
      const buf = Buffer.alloc(Math.min(CHUNK, size - offset));
      const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) break;
      read += bytesRead;
      const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + bytesRead) as ArrayBuffer & { fileStart: number };
      ab.fileStart = offset;
      const next = mp4.appendBuffer(ab);
      offset = typeof next === 'number' && next > offset ? next : offset + bytesRead;
    }
    mp4.flush();
    if (!info) throw new Error(failure ?? 'no movie header found');
    const track = info.videoTracks[0];
    let width = track ? Math.round(track.track_width || track.video?.width || 0) : 0;
    let height = track ? Math.round(track.track_height || track.video?.height || 0) : 0;
    // A rotation of 90° or 270° in the track matrix shows the frame on its side.
    if (track?.matrix && track.matrix[0] === 0 && track.matrix[1] !== 0) [width, height] = [height, width];
    const created = info.created instanceof Date ? info.created.getTime() : null;
    return {
      width: width || null,
      height: height || null,
      duration: info.timescale ? info.duration / info.timescale : null,
      createdAt: created !== null && created > MP4_EPOCH_MS ? created : null,
    };
  } finally {
    await handle.close();
  }
}

/** The parts of mp4box's movie info read here. */
interface MovieInfo {
  duration: number;
  timescale: number;
  created?: Date;
  videoTracks: {
    track_width: number;
    track_height: number;
    video?: { width: number; height: number };
    matrix?: ArrayLike<number>;
  }[];
}
