import type { FamilyRow, FileRow, Repositories, UserRow } from '../../db/repositories/index.js';
import type { DomainDeps } from '../context.js';
import { iso } from '../context.js';
import { AppError, ErrorCode } from '../errors.js';
import { deleteRows } from '../jobs/leaf-steps.js';
import { FileType } from '../../media/types.js';
import { hashPassword, normalizePhone, passwordProblem, UserStatus } from './credentials.js';

/**
 * User administration for `bin/albumd user list | passwd | disable | enable | delete`: the server
 * has no endpoint for it (as in KooDrive's carrier API, users are provisioned). Each change is one
 * `store.write` (a delete, a few: see `delete`), so it holds against requests running at the same
 * moment on any instance.
 */

/** Why an administration command cannot do what it was asked (the CLI answers these with exit 2). */
export class UserAdminError extends Error {
  constructor(
    message: string,
    readonly reason: 'bad-argument' | 'unknown-user',
  ) {
    super(message);
    this.name = 'UserAdminError';
  }
}

export interface UserSummary {
  userId: string;
  phone: string;
  name: string;
  createTime: string;
  status: 'enabled' | 'disabled';
  /** Bytes of content in the user's personal space (its files and its recycle bin). */
  usedBytes: number;
  /** The user's personal albums. */
  albumCount: number;
}

export interface PasswordChanged {
  userId: string;
  phone: string;
  /** Logins (sessions) whose tokens were revoked. */
  sessionsEnded: number;
}

export interface StatusChanged {
  userId: string;
  phone: string;
  status: 'enabled' | 'disabled';
  /** False when the user already had that status. */
  changed: boolean;
  /** Logins (sessions) whose tokens were revoked (disable only). */
  sessionsEnded: number;
}

export interface FamilyBrief {
  groupId: string;
  shareFolderId: string;
  name: string;
}

/** What `user delete` is about to remove, for the confirmation. */
export interface DeletionPreview {
  userId: string;
  phone: string;
  name: string;
  status: 'enabled' | 'disabled';
  usedBytes: number;
  albumCount: number;
  /** Families the user owns: deleted, with every file in them (other members' uploads included). */
  ownedFamilies: (FamilyBrief & { otherMembers: number; usedBytes: number })[];
  /** Families the user is a member of: left, as `deleteMember` does (its uploads there stay). */
  memberOf: FamilyBrief[];
}

export interface Deleted {
  userId: string;
  phone: string;
  /** Files (not folders) deleted for good, in the personal space and the owned families' spaces. */
  files: number;
  /** Folders deleted with them (the spaces' root folders not counted). */
  folders: number;
  /** Bytes of content released (their blobs lose a reference; the sweep removes unreferenced bytes later). */
  bytes: number;
  /** Personal albums and the owned families' shared albums. */
  albums: number;
  familiesDeleted: FamilyBrief[];
  familiesLeft: FamilyBrief[];
  sessionsEnded: number;
}

const statusName = (status: number): 'enabled' | 'disabled' => (status === UserStatus.Enabled ? 'enabled' : 'disabled');
const brief = (f: FamilyRow): FamilyBrief => ({ groupId: f.group_id, shareFolderId: f.share_folder_id, name: f.name });
const isFolder = (r: FileRow): boolean => r.file_type === FileType.Folder;
/** Bytes of content the rows hold (a folder holds none). */
const contentBytes = (rows: Pick<FileRow, 'sha256' | 'size'>[]): number => rows.reduce((n, r) => n + (r.sha256 === null ? 0 : Number(r.size)), 0);

/** Rows per deleteRows call: keeps every statement's parameter list short whatever the space's size. */
const DELETE_BATCH = 500;
/** Files deleted per write before the last one: the database's writers wait for one batch, not a library. */
const FILES_PER_WRITE = 2000;

export interface DeleteOptions {
  /** Also delete families the user owns that have other members (their uploads there go too). */
  withFamilies?: boolean;
  /** Files deleted per write before the last (tests use a few). */
  filesPerWrite?: number;
  /** After each batch of personal files: how many are gone so far. */
  progress?: (files: number) => void;
}

export function createUserAdminService(deps: DomainDeps) {
  const { store, now } = deps;

  const phoneOf = (raw: string): string => {
    const phone = normalizePhone(raw);
    if (phone === undefined) throw new UserAdminError(`--phone ${raw}: must be 6 to 20 digits, optionally after +`, 'bad-argument');
    return phone;
  };
  const unknownUser = (raw: string): UserAdminError => new UserAdminError(`no user has the phone number ${raw}`, 'unknown-user');

  async function userByPhone(repos: Repositories, raw: string): Promise<UserRow> {
    const user = await repos.users.findByPhone(phoneOf(raw));
    if (!user) throw unknownUser(raw);
    return user;
  }

  /** Every row of a space deleted for good, as a job's permanent delete does: albums, usage, blob references. */
  async function emptySpace(repos: Repositories, containerId: string, t: number): Promise<{ files: number; folders: number; bytes: number }> {
    const rows = await repos.files.inContainer(containerId);
    for (let i = 0; i < rows.length; i += DELETE_BATCH) {
      await deleteRows(
        repos,
        rows.slice(i, i + DELETE_BATCH).map((r) => r.id),
        t,
      );
    }
    const files = rows.filter((r) => !isFolder(r));
    return {
      files: files.length,
      // The space's root folder is not one anybody made.
      folders: rows.filter((r) => isFolder(r) && r.parent_id !== null).length,
      bytes: contentBytes(files),
    };
  }

  return {
    /** Every user, oldest first. */
    async list(): Promise<UserSummary[]> {
      const rows = await store.read.users.listWithUsage();
      return rows.map((r) => ({
        userId: r.id,
        phone: r.phone,
        name: r.name,
        createTime: iso(Number(r.created_at)),
        status: statusName(Number(r.status)),
        usedBytes: Number(r.used_bytes ?? 0),
        albumCount: Number(r.album_count),
      }));
    },

    /** The user of a phone number (any form `normalizePhone` reads). */
    async find(rawPhone: string): Promise<UserRow> {
      return userByPhone(store.read, rawPhone);
    },

    /**
     * A new password (the rules of `user add`). Every token of the user is revoked in the same write:
     * whoever knew the old password is signed out everywhere.
     */
    async setPassword(rawPhone: string, password: string): Promise<PasswordChanged> {
      const problem = passwordProblem(password);
      if (problem) throw new UserAdminError(`password: ${problem.en}`, 'bad-argument');
      const phone = phoneOf(rawPhone);
      const passwordHash = await hashPassword(password);
      return store.write(async (repos) => {
        const user = await repos.users.findByPhone(phone);
        if (!user) throw unknownUser(rawPhone);
        await repos.users.setPasswordHash(user.id, passwordHash);
        const sessionsEnded = await repos.tokens.revokeUser(user.id, now());
        return { userId: user.id, phone: user.phone, sessionsEnded };
      });
    },

    /**
     * Disables (KooDrive's "frozen", status 7) or enables a user. Disabling revokes every token of the
     * user in the same write; the auth gate, login and refresh refuse a disabled user besides, so no
     * token issued around the change works. Enabling lets the user log in again; the sessions the
     * disable ended stay ended.
     */
    async setStatus(rawPhone: string, enabled: boolean): Promise<StatusChanged> {
      const phone = phoneOf(rawPhone);
      const status = enabled ? UserStatus.Enabled : UserStatus.Disabled;
      return store.write(async (repos) => {
        const user = await repos.users.findByPhone(phone);
        if (!user) throw unknownUser(rawPhone);
        const changed = await repos.users.setStatus(user.id, status);
        // Also when it was disabled already: whatever token exists then is revoked all the same.
        const sessionsEnded = enabled ? 0 : await repos.tokens.revokeUser(user.id, now());
        return { userId: user.id, phone: user.phone, status: statusName(status), changed, sessionsEnded };
      });
    },

    /** What `delete` would remove, read without changing anything (for the confirmation). */
    async previewDeletion(rawPhone: string): Promise<DeletionPreview> {
      const repos = store.read;
      const user = await userByPhone(repos, rawPhone);
      const personal = await repos.containers.findById(user.container_id);
      const families = await repos.families.ofUser(user.id);
      const owned = await Promise.all(
        families
          .filter((f) => f.owner_id === user.id)
          .map(async (f) => ({
            ...brief(f),
            otherMembers: (await repos.families.memberCount(f.group_id)) - 1,
            usedBytes: Number((await repos.containers.findById(f.container_id))?.used_bytes ?? 0),
          })),
      );
      return {
        userId: user.id,
        phone: user.phone,
        name: user.name,
        status: statusName(Number(user.status)),
        usedBytes: Number(personal?.used_bytes ?? 0),
        albumCount: Number(user.album_count),
        ownedFamilies: owned,
        memberOf: families.filter((f) => f.owner_id !== user.id).map(brief),
      };
    },

    /**
     * Deletes a user and everything that is only theirs: first the account is disabled (its sessions
     * end), then its personal files go a batch per write, then the rest in one write (derived values
     * are exact after every write, and a request of the user's that commits later finds no user,
     * space or membership):
     * - the families they own, as `sharefolder/delete` would (its shared albums go, and its tree would
     *   move into their personal space), and with that space every file in them; a family with other
     *   members (whose uploads would go too) only with `withFamilies`;
     * - the families they are a member of, as leaving does (`deleteMember`): the membership and their
     *   unfinished uploads there go, the files they uploaded and the shared albums they created stay
     *   with the family;
     * - their personal albums, their personal space and every file in it, recycle bin included: each
     *   file leaves every album, and its content's reference count drops (the blob sweep removes the
     *   bytes no file references any more, after its grace period);
     * - their tokens, job history and user row.
     * `expectedUserId` (from the preview the operator confirmed) must still be the phone's user.
     */
    async delete(rawPhone: string, expectedUserId?: string, options: DeleteOptions = {}): Promise<Deleted> {
      const phone = phoneOf(rawPhone);
      const findUser = async (repos: Repositories): Promise<UserRow> => {
        const user = await repos.users.findByPhone(phone);
        if (!user || (expectedUserId !== undefined && user.id !== expectedUserId)) throw unknownUser(rawPhone);
        return user;
      };
      // Other people's photos go with a family only when the operator said so (checked in each
      // write: a member may have joined since the preview).
      const checkFamilies = async (repos: Repositories, owned: FamilyRow[]): Promise<void> => {
        for (const family of owned) {
          if (!options.withFamilies && (await repos.families.memberCount(family.group_id)) > 1) {
            throw new AppError(ErrorCode.Forbidden, { en: `the user owns the family "${family.name}", which has other members: nothing was deleted`, zh: `该用户拥有有其他成员的家庭“${family.name}”：未删除任何内容` });
          }
        }
      };

      // 1. The checks, then the account disabled and its sessions ended, in one write: from here on
      //    nothing of the user's changes but this deletion. (Stopped midway, it stays disabled with
      //    part of its files gone; the same command again finishes it.)
      const first = await store.write(async (repos) => {
        const user = await findUser(repos);
        await checkFamilies(repos, (await repos.families.ofUser(user.id)).filter((f) => f.owner_id === user.id));
        await repos.users.setStatus(user.id, UserStatus.Disabled);
        return { user, sessionsEnded: await repos.tokens.deleteUser(user.id, now()) };
      });
      // 2. The personal space's files, a batch per write (each as a job's permanent delete: albums,
      //    usage and references exact after every one), so a library of 100,000 photos never holds
      //    the server's writers for long.
      const early = { files: 0, bytes: 0 };
      const perWrite = options.filesPerWrite ?? FILES_PER_WRITE;
      for (;;) {
        const batch = await store.write(async (repos) => {
          const rows = await repos.files.someFilesIn(first.user.container_id, FileType.Folder, perWrite);
          for (let i = 0; i < rows.length; i += DELETE_BATCH) {
            await deleteRows(
              repos,
              rows.slice(i, i + DELETE_BATCH).map((r) => r.id),
              now(),
            );
          }
          return { files: rows.length, bytes: contentBytes(rows) };
        });
        early.files += batch.files;
        early.bytes += batch.bytes;
        if (batch.files < perWrite) break;
        options.progress?.(early.files);
      }

      // 3. Everything else in one write.
      const { result, uploads } = await store.write(async (repos) => {
        const user = await findUser(repos);
        const t = now();
        const uploads: string[] = [];
        const totals = { files: early.files, folders: 0, bytes: early.bytes, albums: Number(user.album_count) };
        const add = (n: { files: number; folders: number; bytes: number }): void => {
          totals.files += n.files;
          totals.folders += n.folders;
          totals.bytes += n.bytes;
        };
        const families = await repos.families.ofUser(user.id);
        const owned = families.filter((f) => f.owner_id === user.id);
        const joined = families.filter((f) => f.owner_id !== user.id);
        await checkFamilies(repos, owned);
        for (const family of owned) {
          totals.albums += Number(family.album_count);
          await repos.albums.deleteOwnedBy(family.group_id);
          add(await emptySpace(repos, family.container_id, t));
          uploads.push(...(await repos.uploads.dropInContainer(family.container_id)));
          await repos.containers.delete(family.container_id);
          await repos.families.delete(family.group_id);
        }
        for (const family of joined) {
          await repos.families.removeMember(family.group_id, user.id);
          uploads.push(...(await repos.uploads.dropInContainer(family.container_id, user.id)));
        }
        await repos.albums.deleteOwnedBy(user.id);
        add(await emptySpace(repos, user.container_id, t));
        uploads.push(...(await repos.uploads.dropInContainer(user.container_id)));
        await repos.containers.delete(user.container_id);
        const sessionsEnded = first.sessionsEnded + (await repos.tokens.deleteUser(user.id, t));
        await repos.users.delete(user.id);
        const result: Deleted = {
          userId: user.id,
          phone: user.phone,
          ...totals,
          familiesDeleted: owned.map(brief),
          familiesLeft: joined.map(brief),
          sessionsEnded,
        };
        return { result, uploads };
      });
      // Their parts' bytes, once the rows that named them are gone for good.
      for (const id of uploads) await deps.blobs.discardUpload(id);
      return result;
    },
  };
}

export type UserAdminService = ReturnType<typeof createUserAdminService>;
