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

/**
 * A lock file holding its process's ID, made with O_EXCL. One whose holder is stale (by default: no
 * such process any more, a run that was killed) is removed and taken again; a live holder's ID comes
 * back instead, for the caller to say who holds it.
 */
export function takeLockFile(file: string, stale: (pid: number) => boolean = (pid) => !processAlive(pid)): LockOutcome {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return { release: () => fs.rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && !stale(pid)) return { holder: pid };
      fs.rmSync(file, { force: true });
    }
  }
  return { holder: 0 };
}
