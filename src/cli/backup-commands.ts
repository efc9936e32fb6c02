import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { formatReport } from '../domain/integrity/index.js';
import { backup, OpsError, type Progress } from '../ops/backup.js';
import { restore } from '../ops/restore.js';

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A progress line rewritten in place on a terminal; nothing otherwise (or with --json). */
function progressLine(label: string, json: boolean): { progress?: Progress; end: () => void } {
  if (json || !process.stderr.isTTY) return { end: () => undefined };
  let last = 0;
  return {
    progress: (done, total, bytes) => {
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      process.stderr.write(`\r${label}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} contents, ${mb(bytes)}`);
    },
    end: () => process.stderr.write('\n'),
  };
}

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

/** `albumd backup <dir> [--json]`: exit 0 done, 1 failed, 2 refused (PostgreSQL, bad arguments). */
export async function backupCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  const json = values.json ?? false;
  if (positionals.length !== 1) return refuse('usage: albumd backup <dir> [--json]', json);
  const line = progressLine('backup', json);
  try {
    const s = await backup(loadConfig(), positionals[0]!, line.progress);
    line.end();
    if (json) out(JSON.stringify({ ok: true, ...s }));
    else {
      out(`backup of ${s.counts.users} users, ${s.counts.files} files, ${s.counts.albums} albums, ${s.counts.families} families (schema ${s.schemaVersion}) in ${s.dir}`);
      out(`contents: ${s.contents.count} (${mb(s.contents.bytes)}): ${s.contents.copied} copied (${mb(s.contents.copiedBytes)}), ${s.contents.linked} hard-linked, ${s.contents.present} already there`);
      out(`database copy: ${mb(s.database.bytes)}, sha256 ${s.database.sha256}; ${s.seconds} s`);
      out(secretWords(s.secret));
    }
    return 0;
  } catch (error) {
    line.end();
    return failed(error, json);
  }
}

/** `albumd restore <dir> [--json]`: exit 0 restored and consistent, 1 inconsistent or failed, 2 refused. */
export async function restoreCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  const json = values.json ?? false;
  if (positionals.length !== 1) return refuse('usage: albumd restore <dir> [--json]', json);
  const line = progressLine('restore', json);
  try {
    const s = await restore(loadConfig(), positionals[0]!, line.progress);
    line.end();
    if (json) out(JSON.stringify({ ok: s.check.ok, ...s }));
    else {
      out(`restored the backup of ${s.backedUpAt} (schema ${s.schemaVersion}) into ${s.dataDir}: ${s.contents.count} contents, ${mb(s.contents.bytes)}`);
      out(secretWords(s.secret, true));
      out('integrity check (every content hashed):');
      for (const l of formatReport(s.check)) out(`  ${l}`);
      out(s.check.ok ? 'verdict: consistent' : 'verdict: INCONSISTENT (see above)');
    }
    return s.check.ok ? 0 : 1;
  } catch (error) {
    line.end();
    return failed(error, json);
  }
}

function secretWords(secret: 'included' | 'environment' | 'none', restored = false): string {
  if (secret === 'included') return restored ? 'signing secret restored: links and cursors made before the backup stay valid' : 'signing secret included (from the data directory)';
  if (secret === 'environment') return 'signing secret NOT included: it comes from ALBUMD_SECRET; set the same value for the restored server, or links and cursors made before stop working';
  return 'no signing secret yet (the server had not made one)';
}

function refuse(message: string, json: boolean): number {
  if (json) out(JSON.stringify({ ok: false, error: message }));
  else process.stderr.write(`${message}\n`);
  return 2;
}

function failed(error: unknown, json: boolean): number {
  const refused = error instanceof OpsError;
  const message = error instanceof Error ? error.message : String(error);
  if (json) out(JSON.stringify({ ok: false, error: message }));
  else process.stderr.write(`${refused ? '' : 'failed: '}${message}\n`);
  return refused ? 2 : 1;
}
