import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { openStore } from './db/database.js';
import { DataDirBusy } from './data-dir-lock.js';
import { createIntegrityChecker, formatReport } from './domain/integrity/index.js';
import { createBlobStore } from './storage/blob-store.js';
import { AppError } from './domain/errors.js';
import { CommandError, UsageError, line, withDomain } from './cli/common.js';
import { PromptAborted } from './cli/prompt.js';
import { backupCommand, restoreCommand } from './cli/backup-commands.js';
import { IMPORT_USAGE, importCommand } from './cli/import-command.js';
import { USER_USAGE, isUserAdminCommand, userCommand } from './cli/user-commands.js';

const USAGE = `usage:
  albumd serve                                   start the server (same as npm start)
  albumd migrate                                 bring the database schema up to date
  albumd user add --phone P --password W [--name N]
${USER_USAGE}
  albumd token issue --user USER_ID
  albumd check [--repair] [--verify-hashes] [--json]
                                                 recompute every derived value and compare; exit 1 on
                                                 any inconsistency (--repair sets the derived ones)
  albumd backup <dir> [--json]                   a consistent backup of the running server (SQLite):
                                                 the database, its content (only what <dir> lacks), the
                                                 secret, a manifest
  albumd restore <dir> [--json]                  a backup into an empty ALBUMD_DATA_DIR, then the
                                                 checker with every content hashed
${IMPORT_USAGE}
Configuration comes from the environment, as for the server (see README).`;

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    if (command === 'serve') {
      // Loaded only here: the other commands start without the web server's modules.
      const { serve } = await import('./server.js');
      await serve();
      return 0;
    }
    if (command === 'migrate') {
      const store = await openStore(loadConfig());
      await store.close();
      line({ migrated: true });
      return 0;
    }
    if (command === 'check') return await check(argv.slice(1));
    if (command === 'backup') return await backupCommand(argv.slice(1));
    if (command === 'restore') return await restoreCommand(argv.slice(1));
    if (command === 'import') return await importCommand(argv.slice(1));
    if (command === 'user' && isUserAdminCommand(sub)) return await userCommand(sub!, rest);
    if (command === 'user' && sub === 'add') {
      const { values } = parseArgs({ args: rest, options: { phone: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } } });
      if (!values.phone || !values.password) throw new UsageError('user add needs --phone and --password');
      const { phone, password, name } = values;
      const created = await withDomain((d) => d.users.create({ phone, password, name }));
      line({
        userId: created.userId,
        containerId: created.containerId,
        accessToken: created.session.accessToken,
        refreshToken: created.session.refreshToken,
      });
      return 0;
    }
    if (command === 'token' && sub === 'issue') {
      const { values } = parseArgs({ args: rest, options: { user: { type: 'string' } } });
      if (!values.user) throw new UsageError('token issue needs --user');
      const userId = values.user;
      const session = await withDomain((d) => d.auth.issueFor(userId));
      line({ accessToken: session.accessToken, refreshToken: session.refreshToken, expiresIn: session.expiresIn });
      return 0;
    }
    throw new UsageError(command === undefined ? 'no command given' : `unknown command: ${argv.join(' ')}`);
  } catch (error) {
    if (error instanceof UsageError || String((error as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`albumd: ${(error as Error).message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof CommandError) {
      process.stderr.write(`albumd: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof PromptAborted || error instanceof DataDirBusy) {
      process.stderr.write(`albumd: ${error.message}\n`);
      return 1;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`albumd: ${error.message}\n`);
      return 2;
    }
    if (error instanceof AppError) {
      process.stderr.write(`albumd: ${error.localizedMessage('en')}\n`);
      return 1;
    }
    throw error;
  }
}

/**
 * `albumd check`: the integrity checker over the server's database and blob store (safe while the
 * server runs: it reads in one snapshot, and --repair writes in one short transaction).
 */
async function check(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { repair: { type: 'boolean' }, 'verify-hashes': { type: 'boolean' }, json: { type: 'boolean' } } });
  const config = loadConfig();
  const store = await openStore(config);
  try {
    const checker = createIntegrityChecker({ store, blobs: createBlobStore(config.dataDir) });
    const report = await checker.check({ repair: values.repair ?? false, verifyHashes: values['verify-hashes'] ?? false });
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report).map((l) => `${l}\n`).join(''));
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
