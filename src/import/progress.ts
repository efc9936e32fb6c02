import cliProgress from 'cli-progress';
import { formatBytes, formatSummary, type Summary } from './summary.js';

/**
 * What a run tells as it goes, three ways: a progress bar on a terminal (cli-progress on stderr:
 * files and bytes done, rate, ETA; notable lines printed above it), plain lines when not on a
 * terminal, or one JSON object per line (`--json`) for programs.
 */

export type ImportEvent =
  | { event: 'start'; dir: string; server: string; space: string; parent: string; state: string; dryRun: boolean }
  | { event: 'scan'; folders: number; media: number; bytes: number; notMedia: number; ignored: number }
  | { event: 'folder'; path: string; action: 'created' | 'exists' | 'would-create'; id?: string | undefined; name: string }
  | {
      event: 'file';
      path: string;
      action: 'uploaded' | 'rapid' | 'replaced' | 'unchanged' | 'present' | 'would-upload' | 'would-replace' | 'probably-present';
      size: number;
      fileId?: string | undefined;
      fileName?: string | undefined;
    }
  | { event: 'skip'; path: string; reason: string }
  | { event: 'warning'; path?: string | undefined; message: string }
  | { event: 'failed'; path: string; reason: string }
  | { event: 'album'; name: string; type: 'collection' | 'manual'; action: 'created' | 'updated' | 'unchanged' | 'would-create' | 'would-update'; albumId?: string | undefined; items?: number | undefined; folders?: number | undefined }
  | { event: 'stopped'; reason: string }
  | { event: 'info'; message: string }
  | ({ event: 'summary' } & Summary);

export interface Reporter {
  event(e: ImportEvent): void;
  /** The work ahead: photos and videos, and their bytes. */
  begin(files: number, bytes: number): void;
  /** Work done: whole files, and bytes (a file's bytes as it is read, sent or found unchanged). */
  advance(files: number, bytes: number): void;
  end(): void;
}

type Write = (text: string) => void;

/** One line of words per event (plain logs; also what the terminal shows above its bar). */
function words(e: ImportEvent): string | undefined {
  switch (e.event) {
    case 'start':
      return `${e.dryRun ? 'Dry run: ' : ''}importing ${e.dir} into ${e.space} at ${e.server} (under ${e.parent}); state ${e.state}`;
    case 'scan':
      return `found ${e.media.toLocaleString('en')} photos and videos (${formatBytes(e.bytes)}) in ${e.folders.toLocaleString('en')} folders; ${e.notMedia} other files, ${e.ignored} ignored`;
    case 'folder':
      return e.action === 'exists' ? undefined : `${e.action === 'created' ? 'created' : 'would create'} folder ${e.path || '.'}${e.name !== lastPart(e.path) ? ` (as ${e.name})` : ''}`;
    case 'file':
      switch (e.action) {
        case 'uploaded':
          return `uploaded ${e.path} (${formatBytes(e.size)})${renamed(e.path, e.fileName)}`;
        case 'rapid':
          return `uploaded ${e.path} (rapid: albumd had the content, no bytes sent)${renamed(e.path, e.fileName)}`;
        case 'replaced':
          return `uploaded ${e.path} again: it changed on disk (the earlier version went to the recycle bin)`;
        case 'would-upload':
          return `would upload ${e.path} (${formatBytes(e.size)})`;
        case 'would-replace':
          return `would upload ${e.path} again: it changed on disk since it was imported`;
        case 'probably-present':
          return `would skip ${e.path}: a file of that name and size is there (its sha256 is checked in a real run)`;
        default:
          return undefined;
      }
    case 'skip':
      return e.reason === 'not media' ? `skipped ${e.path}: not a photo or video` : undefined;
    case 'warning':
      return `warning: ${e.path ? `${e.path}: ` : ''}${e.message}`;
    case 'failed':
      return `FAILED ${e.path}: ${e.reason}`;
    case 'album':
      return e.action === 'unchanged'
        ? undefined
        : `${e.action.replace('would-', 'would ')} ${e.type} album "${e.name}"${e.items !== undefined ? `: ${e.items} photos and videos` : ''}${e.folders !== undefined ? ` over ${e.folders} folders` : ''}`;
    case 'stopped':
      return `stopping: ${e.reason}`;
    case 'info':
      return e.message;
    case 'summary':
      return formatSummary(e).join('\n');
  }
}

const lastPart = (rel: string): string => rel.slice(rel.lastIndexOf('/') + 1);
const renamed = (rel: string, fileName: string | undefined): string => (fileName && fileName !== lastPart(rel) ? ` as ${fileName}` : '');

/** `--json`: every event as one line on stdout. */
export function jsonReporter(write: Write = (t) => process.stdout.write(t)): Reporter {
  return {
    event: (e) => write(`${JSON.stringify(e)}\n`),
    begin: () => undefined,
    advance: () => undefined,
    end: () => undefined,
  };
}

/** Not a terminal: a line per event that matters, and every 10 s a progress line. */
export function plainReporter(write: Write = (t) => process.stdout.write(t), everyMs = 10_000): Reporter {
  let total = { files: 0, bytes: 0 };
  const done = { files: 0, bytes: 0 };
  let last = Date.now();
  const started = Date.now();
  return {
    event: (e) => {
      const text = words(e);
      if (text !== undefined) write(`${text}\n`);
    },
    begin: (files, bytes) => {
      total = { files, bytes };
    },
    advance: (files, bytes) => {
      done.files += files;
      done.bytes += bytes;
      const now = Date.now();
      if (now - last >= everyMs && done.files < total.files) {
        last = now;
        const rate = done.bytes / Math.max(1, (now - started) / 1000);
        write(`progress: ${done.files}/${total.files} files, ${formatBytes(done.bytes)}/${formatBytes(total.bytes)}, ${formatBytes(rate)}/s\n`);
      }
    },
    end: () => undefined,
  };
}

/** A terminal: one bar on stderr, with the lines that matter printed above it. */
export function ttyReporter(stream: NodeJS.WriteStream = process.stderr, write: Write = (t) => process.stdout.write(t)): Reporter {
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: ' {bar} {percentage}% | {files}/{totalFiles} files | {bytesDone}/{bytesTotal} | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
      etaBuffer: 50,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  const done = { files: 0, bytes: 0 };
  let totalFiles = 0;
  let totalBytes = 0;
  // The rate over the last 10 s: the bytes of files found unchanged are not a transfer rate for long.
  const samples: { t: number; bytes: number }[] = [];
  const payload = () => {
    const now = Date.now();
    samples.push({ t: now, bytes: done.bytes });
    while (samples.length > 2 && now - samples[0]!.t > 10_000) samples.shift();
    const first = samples[0]!;
    const rate = now > first.t ? ((done.bytes - first.bytes) * 1000) / (now - first.t) : 0;
    return { files: done.files, totalFiles, bytesDone: formatBytes(done.bytes), bytesTotal: formatBytes(totalBytes), rate: formatBytes(Math.round(rate)) };
  };
  return {
    event: (e) => {
      const text = words(e);
      if (text === undefined) return;
      // The summary goes below, once the bar is gone; the rest above the bar.
      if (e.event === 'summary') stop();
      if (bar) bars.log(`${text}\n`);
      else write(`${text}\n`);
    },
    begin: (files, bytes) => {
      totalFiles = files;
      totalBytes = bytes;
      bar = bars.create(Math.max(1, bytes), 0, payload());
    },
    advance: (files, bytes) => {
      done.files += files;
      done.bytes += bytes;
      bar?.update(Math.min(done.bytes, Math.max(1, totalBytes)), payload());
    },
    end: stop,
  };
  function stop(): void {
    if (bar) bars.stop();
    bar = undefined;
  }
}
