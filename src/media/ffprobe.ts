import { execFile, spawnSync } from 'node:child_process';
import type { VideoMeta } from './video-meta.js';

let found: string | null | undefined;

/** Debian's ffprobe, when installed (looked for once per process). */
export function findFfprobe(): string | undefined {
  if (found === undefined) found = spawnSync('ffprobe', ['-version'], { stdio: 'ignore', timeout: 5000 }).status === 0 ? 'ffprobe' : null;
  return found ?? undefined;
}

interface ProbeJson {
  streams?: { codec_type?: string; width?: number; height?: number; tags?: { rotate?: string }; side_data_list?: { rotation?: number }[] }[];
  format?: { duration?: string; tags?: { creation_time?: string } };
}

/** Size (as displayed), duration and creation time of any container ffmpeg reads (WebM, MKV, AVI…). */
export function readWithFfprobe(ffprobe: string, file: string): Promise<VideoMeta> {
  return new Promise((resolve, reject) => {
    execFile(
      ffprobe,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
      { timeout: 30_000, maxBuffer: 4 << 20 },
      (error, stdout) => {
        if (error) return reject(new Error('ffprobe could not read the video'));
        try {
          const json = JSON.parse(stdout) as ProbeJson;
          const video = json.streams?.find((s) => s.codec_type === 'video');
          let width = video?.width ?? null;
          let height = video?.height ?? null;
          const rotation = Math.abs(Number(video?.tags?.rotate ?? video?.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0));
          if (rotation % 180 === 90) [width, height] = [height, width];
          const duration = json.format?.duration !== undefined ? Number(json.format.duration) : NaN;
          const created = json.format?.tags?.creation_time ? Date.parse(json.format.tags.creation_time) : NaN;
          resolve({
            width,
            height,
            duration: Number.isFinite(duration) ? duration : null,
            createdAt: Number.isFinite(created) && created > 0 ? created : null,
          });
        } catch {
          reject(new Error('ffprobe could not read the video'));
        }
      },
    );
  });
}
