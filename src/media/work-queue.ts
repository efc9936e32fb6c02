interface Task {
  key: string;
  run: () => Promise<void>;
  done: Promise<void>;
  settle: () => void;
}

/**
 * Background work with bounded concurrency, one task per key at a time: asking again for a key
 * that is queued or running joins that task instead of adding another. Urgent work (someone is
 * waiting for it: a thumbnail asked for while an import's backlog is queued) starts before the
 * rest, first asked first.
 */
export class WorkQueue {
  private readonly waiting: Task[] = [];
  private readonly urgent: Task[] = [];
  private readonly byKey = new Map<string, Promise<void>>();
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly failed = new Map<string, number>();

  constructor(private readonly concurrency: number) {}

  /** Tasks queued and not started, tasks running, and failures by reason (for /metrics). */
  stats(): { waiting: number; running: number; failures: ReadonlyMap<string, number> } {
    return { waiting: this.waiting.length + this.urgent.length, running: this.running, failures: this.failed };
  }

  /**
   * Counts a failure under `reason`: a task that throws is counted as `error`; one that handles its
   * own failure (and resolves) says so here.
   */
  countFailure(reason: string): void {
    this.failed.set(reason, (this.failed.get(reason) ?? 0) + 1);
  }

  /**
   * Queues `run` under `key` (unless that key is already pending: then joins it, moved ahead when
   * now urgent); resolves when it has run.
   */
  push(key: string, run: () => Promise<void>, options: { urgent?: boolean } = {}): Promise<void> {
    const existing = this.byKey.get(key);
    if (existing) {
      if (options.urgent) {
        const at = this.waiting.findIndex((t) => t.key === key);
        if (at >= 0) this.urgent.push(...this.waiting.splice(at, 1));
      }
      return existing;
    }
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.byKey.set(key, done);
    (options.urgent ? this.urgent : this.waiting).push({ key, run, done, settle });
    this.pump();
    return done;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0 && this.urgent.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Drops what has not started (its waiters are released: the work can be asked for again later)
   * and resolves when what is running has finished: a shutdown does not wait for a long queue.
   */
  stop(): Promise<void> {
    for (const task of [...this.urgent.splice(0), ...this.waiting.splice(0)]) {
      this.byKey.delete(task.key);
      task.settle();
    }
    return this.idle();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length + this.urgent.length > 0) {
      const task = (this.urgent.shift() ?? this.waiting.shift())!;
      this.running += 1;
      // A task's failure is its own business (it records it); the queue goes on.
      void task
        .run()
        .catch(() => this.countFailure('error'))
        .finally(() => {
          this.running -= 1;
          this.byKey.delete(task.key);
          task.settle();
          this.pump();
          if (this.running === 0 && this.waiting.length === 0 && this.urgent.length === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            waiters.forEach((w) => w());
          }
        });
    }
  }
}
