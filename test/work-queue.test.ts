import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../src/media/work-queue.js';

test('urgent work starts before the backlog, first asked first; a queued key asked for urgently moves ahead', async () => {
  const queue = new WorkQueue(1);
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const task = (key: string, wait?: Promise<void>) => async () => {
    order.push(key);
    await wait;
  };
  const all = [queue.push('busy', task('busy', gate))];
  for (const key of ['a', 'b', 'c', 'd']) all.push(queue.push(key, task(key)));
  all.push(queue.push('x', task('x'), { urgent: true }));
  // Already queued: joins the task (no second run) and moves it ahead, behind the earlier urgent one.
  const joined = queue.push('c', task('c-again'), { urgent: true });
  assert.equal(joined, all[3]);
  assert.deepEqual(queue.stats().waiting, 5);
  release();
  await Promise.all(all);
  assert.deepEqual(order, ['busy', 'x', 'c', 'a', 'b', 'd']);
  await queue.idle();
});

test('stop drops urgent and background work alike, releasing their waiters', async () => {
  const queue = new WorkQueue(1);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const ran: string[] = [];
  const running = queue.push('busy', () => gate);
  const dropped = [queue.push('a', async () => void ran.push('a')), queue.push('b', async () => void ran.push('b'), { urgent: true })];
  const stopped = queue.stop();
  await Promise.all(dropped);
  release();
  await Promise.all([running, stopped]);
  assert.deepEqual(ran, []);
  assert.equal(queue.stats().waiting, 0);
});
