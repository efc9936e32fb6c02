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
  all.push(queue.push('x', task('x'), { urgent: { for: 'ann' } }));
  // Already queued: joins the task (no second run) and moves it ahead, behind the earlier urgent one.
  const joined = queue.push('c', task('c-again'), { urgent: { for: 'ann' } });
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
  const dropped = [queue.push('a', async () => void ran.push('a')), queue.push('b', async () => void ran.push('b'), { urgent: { for: 'ann' } })];
  const stopped = queue.stop();
  await Promise.all(dropped);
  release();
  await Promise.all([running, stopped]);
  assert.deepEqual(ran, []);
  assert.equal(queue.stats().waiting, 0);
});

test('askers take turns: one asking for many holds up another\'s one by at most one task', async () => {
  const queue = new WorkQueue(1);
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const all = [queue.push('busy', () => gate)];
  const task = (key: string) => async () => void order.push(key);
  for (let i = 1; i <= 4; i++) all.push(queue.push(`ann-${i}`, task(`ann-${i}`), { urgent: { for: 'ann' } }));
  all.push(queue.push('bob-1', task('bob-1'), { urgent: { for: 'bob' } }));
  all.push(queue.push('background', task('background')));
  all.push(queue.push('cy-1', task('cy-1'), { urgent: { for: 'cy' } }));
  release();
  await Promise.all(all);
  assert.deepEqual(order, ['ann-1', 'bob-1', 'cy-1', 'ann-2', 'ann-3', 'ann-4', 'background']);
});
