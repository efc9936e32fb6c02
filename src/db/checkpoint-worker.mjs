// Checkpoints the SQLite WAL from its own thread and connection, so that the writes on the event
// loop never wait for the database file to be written and fsynced.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let stopped = false;

function tick() {
  if (stopped) return;
  try {
    checkpoint.run();
  } catch {
    // Busy or locked: the next tick tries again.
  }
  setTimeout(tick, workerData.everyMs);
}
tick();

parentPort.on('message', (message) => {
  if (message === 'stop') {
    stopped = true;
    try {
      checkpoint.run();
    } finally {
      db.close();
      parentPort.postMessage('stopped');
    }
  }
});
