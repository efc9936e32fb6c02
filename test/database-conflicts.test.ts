import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyError } from 'fastify';
import { makeTestStore, tempDir } from './helpers/app.js';
import { toAppError } from '../src/http/error-handler.js';

/**
 * What the database itself refuses reaches a client as a catalogue error, never a 500: a row that
 * conflicts with one that exists (the real driver's error, on the database under test), and writes
 * that kept colliding after every retry.
 */

test('a unique violation from the database is 13000405, and the write changes nothing', async () => {
  const { store, drop } = await makeTestStore(tempDir());
  try {
    const user = { id: 'u1', phone: '00861380000001', password_hash: 'x', name: 'a', container_id: 'c1', created_at: 1 };
    await store.write((repos) => repos.users.insert(user));
    const error = await store.write((repos) => repos.users.insert({ ...user, id: 'u2' })).then(
      () => assert.fail('the second row with the same phone was accepted'),
      (e: unknown) => e,
    );
    const known = toAppError(error as FastifyError);
    assert.equal(known?.code, 13000405);
    assert.equal(known?.status, 400);
    assert.equal(known?.localizedMessage('en'), 'Conflicts with an entry that exists.');
    assert.equal(await store.read.users.findById('u2'), undefined);
  } finally {
    await store.close();
    await drop?.();
  }
});

test('writes that kept colliding (serialization failure, deadlock, busy) are 13001004: try again', () => {
  for (const code of ['40001', '40P01', 'SQLITE_BUSY']) {
    const known = toAppError(Object.assign(new Error('could not serialize access'), { code }) as unknown as FastifyError);
    assert.equal(known?.code, 13001004, code);
    assert.equal(known?.status, 429, code);
  }
  // Anything else the driver says stays an internal failure (logged), not a guess.
  assert.equal(toAppError(Object.assign(new Error('syntax error'), { code: '42601' }) as unknown as FastifyError), undefined);
});
