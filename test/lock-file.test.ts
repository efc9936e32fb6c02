import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { takeLockFile } from '../src/lock-file.js';
import { tempDir } from './helpers/app.js';
import { ROOT } from './helpers/process.js';

/** One process that tries the lock at `at` (ms since the epoch), says what it got, and holds it until `<file>.done` exists. */
function contender(file: string, at: number): { said: Promise<string>; exited: Promise<void> } {
  const script = `
    const fs = await import('node:fs');
    const { takeLockFile } = await import(${JSON.stringify(path.join(ROOT, 'src/lock-file.ts'))});
    while (Date.now() < ${at}) {}
    const lock = takeLockFile(${JSON.stringify(file)});
    process.stdout.write('holder' in lock ? 'refused' : 'took');
    while (!fs.existsSync(${JSON.stringify(`${file}.done`)})) await new Promise((r) => setTimeout(r, 20));
    if (!('holder' in lock)) lock.release();
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const said = new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve('nothing'));
  });
  return { said, exited: new Promise((resolve) => child.on('exit', () => resolve())) };
}

test('processes finding the same stale lock at once: exactly one takes it over', async () => {
  const dir = tempDir('albumd-lock-');
  for (let round = 0; round < 4; round++) {
    const file = path.join(dir, `round-${round}.lock`);
    // A holder that is gone (no such process).
    fs.writeFileSync(file, '999999999\n');
    const at = Date.now() + 2000;
    const contenders = Array.from({ length: 6 }, () => contender(file, at));
    const results = await Promise.all(contenders.map((c) => c.said));
    fs.writeFileSync(`${file}.done`, '');
    await Promise.all(contenders.map((c) => c.exited));
    assert.equal(results.filter((r) => r === 'took').length, 1, `round ${round}: ${results.join(', ')}`);
    assert.equal(results.filter((r) => r === 'refused').length, 5, `round ${round}: ${results.join(', ')}`);
    assert.ok(!fs.existsSync(`${file}.takeover`), 'the takeover file goes');
  }
});

test('a live holder is named; an empty lock just made is left to its maker; an old takeover file is cleared', () => {
  const dir = tempDir('albumd-lock-');
  const file = path.join(dir, 'a.lock');
  const mine = takeLockFile(file);
  assert.ok(!('holder' in mine));
  assert.deepEqual(takeLockFile(file), { holder: process.pid });
  mine.release();

  fs.writeFileSync(file, '');
  assert.deepEqual(takeLockFile(file), { holder: 0 }, 'a lock being written is not taken from its maker');
  const old = new Date(Date.now() - 5000);
  fs.utimesSync(file, old, old);
  const taken = takeLockFile(file);
  assert.ok(!('holder' in taken), 'an empty lock left long ago is stale');
  taken.release();

  fs.writeFileSync(file, '999999999\n');
  fs.writeFileSync(`${file}.takeover`, '999999998\n');
  assert.ok('holder' in takeLockFile(file), 'a takeover under way is waited for');
  const older = new Date(Date.now() - 60_000);
  fs.utimesSync(`${file}.takeover`, older, older);
  const again = takeLockFile(file);
  assert.ok(!('holder' in again), 'a takeover left by a dead process is cleared');
  again.release();
});
