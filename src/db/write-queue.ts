import type { Kysely } from 'kysely';
import type { DB } from './schema.js';

/** One commit as /metrics sees it: how long it took and whether it committed. */
export interface CommitObservation {
  seconds: number;
  committed: boolean;
}

/**
 * What this process's writes are doing, for /metrics (a server has one store): on SQLite the group
 * commit's jobs queued or in the batch being committed, and each batch's transaction time; on
 * PostgreSQL (postgres.ts) the writes in flight and each write's time. Counting changes nothing of
 * how writes run; an observer that throws is ignored.
 */
export class WriteStats {
  /** Writes submitted and not yet committed or failed. */
  depth = 0;
  private readonly observers = new Set<(o: CommitObservation) => void>();

  /** Calls `fn` after every commit; returns the way to stop. */
  observe(fn: (o: CommitObservation) => void): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  record(o: CommitObservation): void {
    for (const fn of this.observers) {
      try {
        fn(o);
      } catch {
        // Metrics never fail a write.
      }
    }
  }
}

export const writeStats = new WriteStats();

interface Job<R> {
  fn: (repos: R) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite: the writes queued during one event-loop turn share one transaction, so one
 * fsync acknowledges many requests (synchronous=FULL stays durable without one fsync per request).
 * Each job runs inside its own savepoint, so one job's failure undoes only that job.
 */
export class GroupCommitQueue<R> {
  private pending: Job<R>[] = [];
  private scheduled = false;
  private idle: Promise<void> = Promise.resolve();

  /**
   * @param exec runs a statement directly on the writer connection (SQLite has one): the transaction
   *   and savepoints are ours, not Kysely's, so a transaction SQLite ended on its own (SQLITE_FULL,
   *   an I/O error) is never rolled back twice.
   * @param inTransaction whether the connection is still inside the transaction.
   */
  constructor(
    private readonly db: Kysely<DB>,
    private readonly bind: (executor: Kysely<DB>) => R,
    private readonly exec: (sql: string) => void,
    private readonly inTransaction: () => boolean,
  ) {}

  run<T>(fn: (repos: R) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      writeStats.depth += 1;
      this.schedule();
    });
  }

  /** Resolves once every queued job has been committed or failed. */
  async drain(): Promise<void> {
    while (this.scheduled || this.pending.length > 0) await this.idle;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.idle = new Promise<void>((done) => {
      setImmediate(() => {
        this.flush().finally(() => {
          this.scheduled = false;
          done();
          if (this.pending.length > 0) this.schedule();
        });
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const started = performance.now();
    let committed = false;
    try {
      committed = await this.commit(batch);
    } finally {
      writeStats.depth -= batch.length;
      writeStats.record({ seconds: (performance.now() - started) / 1000, committed });
    }
  }

  /** Runs one batch in one transaction; false when the transaction failed as a whole. */
  private async commit(batch: Job<R>[]): Promise<boolean> {
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.exec('begin immediate');
      const repos = this.bind(this.db);
      if (batch.length === 1) outcomes.push({ ok: true, value: await batch[0]!.fn(repos) });
      else {
        for (const job of batch) {
          this.exec('savepoint job');
          try {
            const value = await job.fn(repos);
            this.exec('release savepoint job');
            outcomes.push({ ok: true, value });
          } catch (error) {
            // SQLite may have ended the whole transaction itself: then every job of the batch is lost.
            if (!this.inTransaction()) throw error;
            this.exec('rollback to savepoint job');
            this.exec('release savepoint job');
            outcomes.push({ ok: false, value: error });
          }
        }
      }
      this.exec('commit');
    } catch (error) {
      if (this.inTransaction()) {
        try {
          this.exec('rollback');
        } catch {
          // The connection ended the transaction while rolling back; nothing of it was committed.
        }
      }
      // A single job's own failure rolled the transaction back; report it as that job's error.
      for (const job of batch) job.reject(error);
      return false;
    }
    batch.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.value);
    });
    return true;
  }
}
