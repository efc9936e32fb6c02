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
 * rest, the askers served in turn, each one's first asked first: one person asking for hundreds
 * makes another's one wait for at most one of theirs.
 */
export class WorkQueue {
  private readonly waiting: Task[] = [];
  /** By asker, in turn order (a Map keeps insertion order; a served asker goes to the back). */
  private readonly urgent = new Map<string, Task[]>();
  private urgentCount = 0;
  private readonly byKey = new Map<string, Promise<void>>();
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly failed = new Map<string, number>();

  constructor(private readonly concurrency: number) {}

  /** Tasks queued and not started, tasks running, and failures by reason (for /metrics). */
  stats(): { waiting: number; running: number; failures: ReadonlyMap<string, number> } {
    return { waiting: this.waiting.length + this.urgentCount, running: this.running, failures: this.failed };
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
   * now urgent); resolves when it has run. `urgent.for` names who is waiting (a user ID).
   */
  push(key: string, run: () => Promise<void>, options: { urgent?: { for: string } } = {}): Promise<void> {
    const existing = this.byKey.get(key);
    if (existing) {
      if (options.urgent) {
        const at = this.waiting.findIndex((t) => t.key === key);
        if (at >= 0) this.addUrgent(options.urgent.for, this.waiting.splice(at, 1)[0]!);
      }
      return existing;
    }
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.byKey.set(key, done);
    const task = { key, run, done, settle };
    if (options.urgent) this.addUrgent(options.urgent.for, task);
    else this.waiting.push(task);
    this.pump();
    return done;
  }

  private addUrgent(asker: string, task: Task): void {
    const tasks = this.urgent.get(asker);
    if (tasks) tasks.push(task);
    else this.urgent.set(asker, [task]);
    this.urgentCount += 1;
  }

  /** The next asker's oldest urgent task; that asker goes to the back of the turn. */
  private nextUrgent(): Task | undefined {
    for (const [asker, tasks] of this.urgent) {
      const task = tasks.shift()!;
      this.urgent.delete(asker);
      if (tasks.length > 0) this.urgent.set(asker, tasks);
      this.urgentCount -= 1;
      return task;
    }
    return undefined;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0 && this.urgentCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Drops what has not started (its waiters are released: the work can be asked for again later)
   * and resolves when what is running has finished: a shutdown does not wait for a long queue.
   */
  stop(): Promise<void> {
    const urgent = [...this.urgent.values()].flat();
    this.urgent.clear();
    this.urgentCount = 0;
    for (const task of [...urgent, ...this.waiting.splice(0)]) {
      this.byKey.delete(task.key);
      task.settle();
    }
    return this.idle();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length + this.urgentCount > 0) {
      const task = (this.nextUrgent() ?? this.waiting.shift())!;
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
          if (this.running === 0 && this.waiting.length === 0 && this.urgentCount === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            waiters.forEach((w) => w());
          }
        });
    }
  }
}
