import type { Client } from './api.js';
import { Cancelled, uploadFile, type UploadOptions, type UploadTarget } from './upload.js';
import { w } from './words/library.js';

/**
 * The uploads of this page, a few at a time. It outlives the library view (kept at module level),
 * so leaving for an album while a video uploads does not stop it; the list is there on return.
 */

export type UploadState = 'waiting' | 'reading' | 'sending' | 'finishing' | 'done' | 'rapid' | 'failed' | 'cancelled';

export interface UploadEntry {
  id: number;
  name: string;
  size: number;
  /** The folder it goes into, as the library route names it: `<spaceKey>/<folderId>`. */
  folder: string;
  folderName: string;
  state: UploadState;
  /** Bytes read (while reading) or sent (from then on). */
  loaded: number;
  /** The API's refusal in words, when it failed. */
  message: string;
}

const FINISHED: ReadonlySet<UploadState> = new Set(['done', 'rapid', 'failed', 'cancelled']);
export const isFinished = (e: UploadEntry): boolean => FINISHED.has(e.state);

/** `localStorage['albumd.multipartAbove']` (bytes) lowers the part threshold: slow links, tests. */
function multipartAbove(): number | undefined {
  try {
    const value = Number(globalThis.localStorage?.getItem('albumd.multipartAbove'));
    return value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

interface Job {
  api: Client;
  file: File;
  target: UploadTarget;
  controller?: AbortController;
}

export class UploadQueue {
  entries = $state<UploadEntry[]>([]);
  /** Uploads finished per folder (route key): a grid showing that folder refreshes when it grows. */
  landed = $state<Record<string, number>>({});
  private readonly jobs = new Map<number, Job>();
  private running = 0;
  private nextId = 1;
  private user: string | undefined;

  constructor(
    private readonly limit = 3,
    private readonly options: () => UploadOptions = () => ({ multipartAbove: multipartAbove() }),
  ) {}

  /** Another person signed in on this page: the previous one's uploads stop and leave the list. */
  forUser(userId: string | undefined): void {
    if (this.user !== undefined && this.user !== userId) {
      for (const job of this.jobs.values()) job.controller?.abort();
      this.jobs.clear();
      this.entries = [];
      this.landed = {};
    }
    this.user = userId;
  }

  add(api: Client, target: UploadTarget, folder: string, folderName: string, files: readonly File[]): void {
    for (const file of files) {
      const id = this.nextId++;
      this.jobs.set(id, { api, file, target });
      this.entries.push({ id, name: file.name, size: file.size, folder, folderName, state: 'waiting', loaded: 0, message: '' });
    }
    this.pump();
  }

  get active(): boolean {
    return this.entries.some((e) => !isFinished(e));
  }

  /** Bytes sent (finished files count whole) over all bytes, and how many are finished. */
  get overall(): { loaded: number; total: number; finished: number; count: number } {
    let loaded = 0;
    let total = 0;
    let finished = 0;
    for (const e of this.entries) {
      total += e.size;
      if (isFinished(e)) {
        finished += 1;
        loaded += e.size;
      } else if (e.state !== 'reading') loaded += e.loaded;
    }
    return { loaded, total, finished, count: this.entries.length };
  }

  cancel(id: number): void {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry || isFinished(entry)) return;
    this.jobs.get(id)?.controller?.abort();
    if (entry.state === 'waiting') this.finish(entry, 'cancelled', w.cancelled);
  }

  retry(id: number): void {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry || (entry.state !== 'failed' && entry.state !== 'cancelled')) return;
    Object.assign(entry, { state: 'waiting', loaded: 0, message: '' });
    this.pump();
  }

  clearFinished(): void {
    this.entries = this.entries.filter((e) => {
      if (isFinished(e)) this.jobs.delete(e.id);
      return !isFinished(e);
    });
  }

  private finish(entry: UploadEntry, state: UploadState, message = ''): void {
    entry.state = state;
    entry.message = message;
    // Failed and cancelled uploads keep their file for "Try again".
    if (state === 'done' || state === 'rapid') this.jobs.delete(entry.id);
    if (state === 'done' || state === 'rapid') this.landed[entry.folder] = (this.landed[entry.folder] ?? 0) + 1;
  }

  private pump(): void {
    while (this.running < this.limit) {
      const entry = this.entries.find((e) => e.state === 'waiting');
      if (!entry) return;
      this.running += 1;
      void this.run(entry).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async run(entry: UploadEntry): Promise<void> {
    const job = this.jobs.get(entry.id);
    if (!job) return this.finish(entry, 'failed', w.cancelled);
    job.controller = new AbortController();
    entry.state = 'reading';
    try {
      const result = await uploadFile(job.api, job.target, job.file, job.file.name, {
        ...this.options(),
        signal: job.controller.signal,
        onprogress: (p) => {
          entry.state = p.phase;
          entry.loaded = p.loaded;
        },
      });
      this.finish(entry, result.rapid ? 'rapid' : 'done');
    } catch (error) {
      if (error instanceof Cancelled) this.finish(entry, 'cancelled', w.cancelled);
      else this.finish(entry, 'failed', error instanceof Error ? error.message : String(error));
    }
  }
}

export const uploads = new UploadQueue();

// Closing the tab mid-upload loses it: the browser asks first.
if (typeof addEventListener === 'function') {
  addEventListener('beforeunload', (event) => {
    if (uploads.active) event.preventDefault();
  });
}
