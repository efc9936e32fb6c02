import fs from 'node:fs';

/** Whether a process of this ID runs (one of another user's counts: EPERM). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type LockOutcome = { release: () => void } | { holder: number };

/** A takeover file older than this was left by a process that died while taking over. */
const TAKEOVER_STALE_MS = 30_000;

const readText = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

const readHolder = (file: string): number | undefined => {
  const pid = Number(readText(file)?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
};

const fresh = (file: string): boolean => {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat !== undefined && Date.now() - stat.mtimeMs < 1000;
};

/**
 * A lock file holding its process's ID, made with O_EXCL. One whose holder is stale (by default: no
 * such process any more, a run that was killed) is removed and taken again; a live holder's ID comes
 * back instead, for the caller to say who holds it.
 *
 * Two processes finding the same stale lock must not both take it (the slower one removing the lock
 * the faster one just made): the removal happens only under `<file>.takeover`, made with O_EXCL too,
 * and only after reading, under it, that the lock is still the stale one.
 */
export function takeLockFile(file: string, stale: (pid: number) => boolean = (pid) => !processAlive(pid)): LockOutcome {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return { release: () => fs.rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const seen = readHolder(file);
    if (seen !== undefined && !stale(seen)) return { holder: seen };
    // Empty and new: its maker is between creating and writing it.
    if (seen === undefined && fresh(file)) return { holder: 0 };
    const takeover = `${file}.takeover`;
    const mine = `${process.pid}\n`;
    try {
      fs.writeFileSync(takeover, mine, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(takeover, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      // Someone else is taking it over: they hold it now, or will in a moment.
      if (age <= TAKEOVER_STALE_MS) return { holder: readHolder(file) ?? seen ?? 0 };
      fs.rmSync(takeover, { force: true });
      continue;
    }
    try {
      // Gone (taken over and released meanwhile): try again. Changed: look again. Only the very
      // lock found stale is removed, never one another process has just made.
      if (!fs.existsSync(file)) continue;
      const now = readHolder(file);
      if (now !== undefined && !stale(now)) return { holder: now };
      if (now === undefined && fresh(file)) return { holder: 0 };
      if (now !== seen) continue;
      fs.rmSync(file, { force: true });
    } finally {
      // Ours only: one cleared as stale meanwhile may have been replaced by another's.
      if (readText(takeover) === mine) fs.rmSync(takeover, { force: true });
    }
  }
  return { holder: readHolder(file) ?? 0 };
}
