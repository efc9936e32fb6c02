import { parseArgs } from 'node:util';
import type { Domain } from '../domain/index.js';
import { normalizePhone } from '../domain/auth/credentials.js';
import { UserAdminError, type Deleted, type DeletionPreview, type UserSummary } from '../domain/auth/user-admin.js';
import { CommandError, UsageError, line, say, withDomain } from './common.js';
import { hiddenAnswers, interactive, visibleAnswer } from './prompt.js';

/**
 * `albumd user list | passwd | disable | enable | delete`: the commands, their prompts and their
 * output. The rules are the domain's (domain/auth/user-admin.ts). Results go to stdout (one JSON
 * line with --json, a short text otherwise), prompts to stderr. Exit 0 done, 2 a bad argument or an
 * unknown phone number, 1 anything else.
 */

export const USER_USAGE = `  albumd user list [--json]                      every user: ID, phone, name, created, status, used bytes, albums
  albumd user passwd --phone P [--json]          a new password, asked twice on the terminal (or ALBUMD_PASSWORD);
                                                 ends the user's sessions
  albumd user disable --phone P [--json]         refuses the user's tokens, logins and refreshes at once
  albumd user enable --phone P [--json]          lets a disabled user log in again
  albumd user delete --phone P [--yes] [--with-families] [--json]
                                                 deletes the user, their files and albums, after typing the
                                                 phone number to confirm (--yes: no question); a family they
                                                 own that has other members goes (with those members'
                                                 uploads) only with --with-families`;

const SUBCOMMANDS = new Set(['list', 'passwd', 'disable', 'enable', 'delete']);

export const isUserAdminCommand = (sub: string | undefined): boolean => sub !== undefined && SUBCOMMANDS.has(sub);

/** Runs `albumd user <sub> …`; returns the exit code. */
export async function userCommand(sub: string, args: string[]): Promise<number> {
  try {
    switch (sub) {
      case 'list':
        return await list(args);
      case 'passwd':
        return await passwd(args);
      case 'disable':
      case 'enable':
        return await setStatus(args, sub === 'enable');
      case 'delete':
        return await remove(args);
      default:
        throw new UsageError(`unknown command: user ${sub}`);
    }
  } catch (error) {
    if (error instanceof UserAdminError) throw new CommandError(`user ${sub}: ${error.message}`, 2);
    throw error;
  }
}

function options(args: string[], extra: { yes?: boolean } = {}) {
  const { values } = parseArgs({
    args,
    options: {
      phone: { type: 'string' },
      json: { type: 'boolean' },
      ...(extra.yes ? { yes: { type: 'boolean' as const }, 'with-families': { type: 'boolean' as const } } : {}),
    },
  });
  return values as { phone?: string; json?: boolean; yes?: boolean; 'with-families'?: boolean };
}

function phoneArg(sub: string, phone: string | undefined): string {
  if (phone === undefined || phone === '') throw new UsageError(`user ${sub} needs --phone`);
  if (normalizePhone(phone) === undefined) throw new UsageError(`user ${sub}: --phone ${phone}: must be 6 to 20 digits, optionally after +`);
  return phone;
}

/** Text from the database shown on a terminal: control characters (escape sequences) as `?`. */
const printable = (s: string): string => s.replace(/\p{Cc}/gu, '?');

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i += 1;
  } while (v >= 1024 && i < units.length - 1);
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The users as a table, columns padded to their widest cell. */
export function userTable(users: readonly UserSummary[]): string[] {
  if (users.length === 0) return ['no users (make one with: albumd user add --phone P --password W)'];
  const head = ['USER ID', 'PHONE', 'NAME', 'CREATED', 'STATUS', 'USED', 'ALBUMS'];
  const rows = users.map((u) => [u.userId, u.phone, printable(u.name), u.createTime.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z'), u.status, formatBytes(u.usedBytes), String(u.albumCount)]);
  const width = head.map((h, i) => Math.max(Array.from(h).length, ...rows.map((r) => Array.from(r[i]!).length)));
  const right = new Set([5, 6]);
  const fmt = (cells: string[]): string =>
    cells
      .map((c, i) => {
        const pad = ' '.repeat(width[i]! - Array.from(c).length);
        return right.has(i) ? pad + c : i === cells.length - 1 ? c : c + pad;
      })
      .join('  ');
  return [fmt(head), ...rows.map(fmt), plural(users.length, 'user')];
}

async function list(args: string[]): Promise<number> {
  const { json } = options(args);
  const users = await withDomain((d) => d.userAdmin.list());
  if (json) line({ users });
  else say(...userTable(users));
  return 0;
}

/** The new password: ALBUMD_PASSWORD when set, else typed twice on the terminal. */
async function newPassword(): Promise<string> {
  const fromEnv = process.env.ALBUMD_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (!interactive()) throw new CommandError('user passwd: no terminal to ask the password on: set ALBUMD_PASSWORD', 2);
  const [first, second] = await hiddenAnswers(['New password: ', 'Type it again: ']);
  if (first !== second) throw new CommandError('user passwd: the two passwords differ; nothing was changed', 2);
  return first!;
}

async function passwd(args: string[]): Promise<number> {
  if (args.some((a) => a === '--password' || a.startsWith('--password='))) {
    throw new UsageError('user passwd takes no --password (it would stay in the shell history): type it at the prompt or set ALBUMD_PASSWORD');
  }
  const values = options(args);
  const phone = phoneArg('passwd', values.phone);
  const done = await withDomain(async (d) => {
    await d.userAdmin.find(phone); // an unknown number fails before anyone types a password
    return d.userAdmin.setPassword(phone, await newPassword());
  });
  if (values.json) line({ userId: done.userId, phone: done.phone, passwordChanged: true, sessionsEnded: done.sessionsEnded });
  else {
    say(
      `Password of ${done.phone} (user ${done.userId}) changed.`,
      `${plural(done.sessionsEnded, 'session')} ended: every token of the user is revoked; they sign in again with the new password.`,
    );
  }
  return 0;
}

async function setStatus(args: string[], enabled: boolean): Promise<number> {
  const sub = enabled ? 'enable' : 'disable';
  const values = options(args);
  const phone = phoneArg(sub, values.phone);
  const done = await withDomain((d) => d.userAdmin.setStatus(phone, enabled));
  if (values.json) line(done);
  else if (enabled) {
    say(
      done.changed
        ? `User ${done.phone} (${done.userId}) enabled: they can log in again (the sessions the disable ended stay ended).`
        : `User ${done.phone} (${done.userId}) was not disabled; nothing changed.`,
    );
  } else {
    say(
      `${done.changed ? 'User' : 'User (already disabled)'} ${done.phone} (${done.userId}) disabled: ${plural(done.sessionsEnded, 'session')} ended.`,
      `Their tokens, logins and token refreshes are refused until: albumd user enable --phone ${done.phone}`,
    );
  }
  return 0;
}

/** What the confirmation shows: everything that goes, and what other people lose. */
export function describeDeletion(p: DeletionPreview): string[] {
  const out = [
    `This deletes user ${p.phone} "${printable(p.name)}" (${p.userId}, ${p.status}) for good:`,
    `  - their personal space (${formatBytes(p.usedBytes)}, recycle bin included) and ${plural(p.albumCount, 'personal album')};`,
  ];
  for (const f of p.ownedFamilies) {
    const others = f.otherMembers > 0 ? `; ${plural(f.otherMembers, 'other member')} lose${f.otherMembers === 1 ? 's' : ''} it and the files they uploaded there` : '';
    out.push(`  - the family "${printable(f.name)}" they own, its shared albums and every file in it (${formatBytes(f.usedBytes)}${others});`);
  }
  for (const f of p.memberOf) out.push(`  - their membership of the family "${printable(f.name)}" (the files they uploaded there stay);`);
  out.push('  - their sessions and job history.');
  return out;
}

async function confirm(preview: DeletionPreview): Promise<void> {
  process.stderr.write(`${describeDeletion(preview).join('\n')}\n`);
  const typed = await visibleAnswer(`Type the phone number (${preview.phone}) to delete the user: `);
  if (normalizePhone(typed) !== preview.phone) throw new CommandError('user delete: not confirmed; nothing was deleted', 1);
}

function describeDeleted(r: Deleted): string[] {
  const out = [
    `Deleted user ${r.phone} (${r.userId}): ${plural(r.files, 'file')} (${formatBytes(r.bytes)} released), ${plural(r.folders, 'folder')}, ${plural(r.albums, 'album')}, ${plural(r.sessionsEnded, 'session')} ended.`,
  ];
  for (const f of r.familiesDeleted) out.push(`Deleted the family "${printable(f.name)}" (${f.shareFolderId}) with its files.`);
  for (const f of r.familiesLeft) out.push(`Left the family "${printable(f.name)}" (${f.shareFolderId}); the files they uploaded there stay.`);
  out.push('Unreferenced content is removed from the disk by the blob sweep, after its grace period.');
  return out;
}

async function remove(args: string[]): Promise<number> {
  const values = options(args, { yes: true });
  const phone = phoneArg('delete', values.phone);
  if (!values.yes && !interactive()) {
    throw new CommandError('user delete: stdin is not a terminal to confirm on: add --yes to delete without a question', 2);
  }
  const done = await withDomain(async (d: Domain) => {
    const preview = await d.userAdmin.previewDeletion(phone);
    const shared = preview.ownedFamilies.filter((f) => f.otherMembers > 0);
    if (shared.length > 0 && !values['with-families']) {
      throw new CommandError(
        `user delete: ${preview.phone} owns ${shared.map((f) => `"${printable(f.name)}" (${plural(f.otherMembers, 'other member')})`).join(', ')}: ` +
          'deleting it deletes the photos those members uploaded there. Let them move what they want to keep, or delete the family first; ' +
          'add --with-families to delete it all the same. Nothing was deleted.',
        2,
      );
    }
    if (!values.yes) await confirm(preview);
    // A large library goes a batch at a time: say how far it got on a terminal.
    const progress = process.stderr.isTTY ? (n: number) => process.stderr.write(`\rdeleted ${n} personal files so far…`) : undefined;
    try {
      return await d.userAdmin.delete(phone, preview.userId, { withFamilies: values['with-families'] ?? false, progress });
    } finally {
      if (progress) process.stderr.write('\r\x1b[K');
    }
  });
  if (values.json) line({ deleted: true, ...done });
  else say(...describeDeleted(done));
  return 0;
}
