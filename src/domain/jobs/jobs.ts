import type { FileRow, Repositories } from '../../db/repositories/index.js';
import { FileType } from '../../media/types.js';
import type { Caller, DomainDeps } from '../context.js';
import { AppError, ErrorCode, forbidden, invalidParam, type ErrorCodeValue, type FailEntry } from '../errors.js';
import { familySpaceByShareFolder, folderInSpace, personalSpace, resolveSpace, ROOT, type Space } from '../drive/spaces.js';
import { spaceAmong } from './space-move.js';
import { mayChange, mayTakeOut } from '../families/family-rights.js';
import { iso } from '../context.js';
import { ancestryOf, applyItems, deleteForever, insideAnother, moveToSpace, moveWithin, recycle, restore, subtreeOf, type LeafStep } from './job-apply.js';
import { deleteFiles, moveFilesWithin, recycleFiles, restoreFiles } from './leaf-steps.js';

export const TaskType = { Delete: 2, Move: 3, Restore: 4, EmptyBin: 7 } as const;
export const ActionType = { Recycle: 201, Permanent: 202 } as const;
export const MAX_JOB_FILES = 1000;

export interface JobInput {
  taskType: number;
  actionType?: number | undefined;
  fileIds: string[];
  srcContainerId: string;
  dstContainerId?: string | undefined;
  /** Move target: a folder ID or root. */
  dstFolder?: string | undefined;
  shareFolderId?: string | undefined;
}

class ItemFailure extends Error {
  constructor(readonly code: ErrorCodeValue) {
    super(String(code));
  }
}
const fail = (code: ErrorCodeValue): never => {
  throw new ItemFailure(code);
};

export function createJobService(deps: DomainDeps) {
  const { store, ids, now } = deps;

  /**
   * The checks of one file for one task; throws ItemFailure with the file's code. `taken`: the
   * names among the job's that the move's target already shows.
   */
  async function check(repos: Repositories, space: Space, dest: Space, userId: string, input: JobInput, row: FileRow | undefined, target: FileRow | undefined, inside: boolean, taken: ReadonlySet<string>): Promise<FileRow> {
    if (!row || row.container_id !== space.containerId || row.id === space.rootFolderId) return fail(ErrorCode.NotFound);
    const action = input.actionType ?? ActionType.Recycle;
    const guarded = input.taskType === TaskType.Delete || input.taskType === TaskType.Move;
    if (guarded && !mayChange(space, userId, input.taskType === TaskType.Delete && action === ActionType.Permanent, row)) fail(ErrorCode.Forbidden);
    if (input.taskType === TaskType.Move && dest !== space && !mayTakeOut(space, userId, await subtreeOf(repos, row))) fail(ErrorCode.Forbidden);
    if (input.taskType === TaskType.Delete && action === ActionType.Recycle && row.recycled !== 0) fail(ErrorCode.InRecycleBin);
    // Recycling a folder recycles what it holds: a member may not hide another member's files that way.
    if (input.taskType === TaskType.Delete && action === ActionType.Recycle && !mayTakeOut(space, userId, (await subtreeOf(repos, row)).filter((r) => r.recycled === 0))) {
      fail(ErrorCode.Forbidden);
    }
    if (input.taskType === TaskType.Restore && row.recycled_with !== row.id) fail(ErrorCode.InvalidParameter);
    if (input.taskType === TaskType.Move) {
      if (row.recycled !== 0) fail(ErrorCode.InRecycleBin);
      if (row.file_type === FileType.Folder && (await repos.files.subtree(row.id)).some((r) => r.id === target!.id)) fail(ErrorCode.InvalidParameter);
      // Inside another item of the job it goes along with that one, not into the target itself.
      if (!inside && row.parent_id !== target!.id && taken.has(row.name)) fail(ErrorCode.NameTaken);
    }
    return row;
  }

  /** Every item against the state the earlier items left (job-apply.ts); returns how many acted. */
  function apply(repos: Repositories, space: Space, dest: Space, input: JobInput, items: Map<string, string[]>, rows: FileRow[], target: FileRow | undefined, t: number): Promise<number> {
    const action = input.actionType ?? ActionType.Recycle;
    const files = (step: LeafStep) => ({ step, rows });
    switch (input.taskType) {
      case TaskType.Delete:
        return action === ActionType.Recycle
          ? applyItems(repos, items, (r, row) => recycle(r, row, t), files((r, leaves) => recycleFiles(r, leaves, t)))
          : applyItems(repos, items, (r, row) => deleteForever(r, space, row, t), files((r, leaves) => deleteFiles(r, leaves, t)));
      case TaskType.Restore:
        return applyItems(repos, items, (r, row) => restore(r, space, row, t), files((r, leaves) => restoreFiles(r, space, leaves, t)));
      case TaskType.Move:
        return dest === space
          ? applyItems(repos, items, (r, row) => moveWithin(r, row, target!, t), files((r, leaves) => moveFilesWithin(r, leaves, target!, t)))
          : applyItems(repos, items, (r, row) => moveToSpace(deps, r, dest, row, target!, t));
      default:
        return emptyBin(repos, space, t);
    }
  }

  async function emptyBin(repos: Repositories, space: Space, t: number): Promise<number> {
    const roots = await repos.files.recycledRoots(space.containerId);
    return applyItems(
      repos,
      await ancestryOf(
        repos,
        roots.map((r) => r.id),
      ),
      (r, row) => deleteForever(r, space, row, t),
      { step: (r, leaves) => deleteFiles(r, leaves, t), rows: roots },
    );
  }

  return {
    /** `POST jobs`: all or nothing; a failure names every failed file (decisions.md §4, §7). */
    async create(caller: Caller, input: JobInput): Promise<{ jobId: string; status: number }> {
      if (!Object.values(TaskType).includes(input.taskType as 2)) throw invalidParam('taskType', { en: 'must be one of 2, 3, 4, 7', zh: '须为 2、3、4、7 之一' });
      if (input.taskType === TaskType.Delete && input.actionType !== undefined && !Object.values(ActionType).includes(input.actionType as 201)) {
        throw invalidParam('actionType', { en: 'must be 201 or 202 for taskType 2', zh: 'taskType 2 时须为 201 或 202' });
      }
      const needsFiles = input.taskType !== TaskType.EmptyBin;
      if (needsFiles && (input.fileIds.length < 1 || input.fileIds.length > MAX_JOB_FILES)) {
        throw invalidParam('taskInfo.fileInfo', { en: `must list 1 to ${MAX_JOB_FILES} files`, zh: `须包含 1 到 ${MAX_JOB_FILES} 个文件` });
      }
      if (new Set(input.fileIds).size !== input.fileIds.length) throw invalidParam('taskInfo.fileInfo', { en: 'must not list a file twice', zh: '文件不得重复' });
      if (input.taskType === TaskType.Move && !input.dstFolder) throw invalidParam('taskInfo.dstFolderId', { en: 'is required for a move', zh: '移动时必填' });
      const jobId = await ids.next();
      await store.write(async (repos) => {
        const moving = input.taskType === TaskType.Move;
        // A move may cross between the caller's personal space and the header's family, either way.
        const family = moving && input.shareFolderId !== undefined ? await familySpaceByShareFolder(repos, caller.userId, input.shareFolderId) : undefined;
        const space = moving
          ? await spaceAmong(repos, caller.userId, family ?? (await personalSpace(repos, caller.userId)), input.srcContainerId, family)
          : await resolveSpace(repos, caller.userId, { containerId: input.srcContainerId, shareFolderId: input.shareFolderId });
        if (!moving && input.dstContainerId && input.dstContainerId !== space.containerId) {
          await resolveSpace(repos, caller.userId, { containerId: input.dstContainerId, shareFolderId: input.shareFolderId });
        }
        const dest = moving ? await spaceAmong(repos, caller.userId, space, input.dstContainerId, family) : space;
        if (input.taskType === TaskType.EmptyBin && !mayChange(space, caller.userId, true)) throw forbidden();
        const target = moving ? await folderInSpace(repos, dest, input.dstFolder || ROOT, 'taskInfo.dstFolderId') : undefined;
        const rows: FileRow[] = [];
        const failures: FailEntry[] = [];
        const ancestry = await ancestryOf(repos, needsFiles ? input.fileIds : []);
        // The job's files in one query (a thousand round trips to PostgreSQL otherwise).
        const named = new Map((needsFiles ? await repos.files.findMany(input.fileIds) : []).map((r) => [r.id, r]));
        // The names a move would need in its target, in one query.
        const taken = target ? await repos.fileBatches.visibleNamesAmong(target.id, [...named.values()].map((r) => r.name)) : new Set<string>();
        for (const fileId of needsFiles ? input.fileIds : []) {
          try {
            rows.push(await check(repos, space, dest, caller.userId, input, named.get(fileId), target, insideAnother(ancestry, fileId), taken));
          } catch (error) {
            if (!(error instanceof ItemFailure)) throw error;
            failures.push({ fileId, code: error.code });
          }
        }
        if (failures.length > 0) throw new AppError(failures[0]!.code, undefined, failures);
        const t = now();
        const applied = await apply(repos, space, dest, input, ancestry, rows, target, t);
        await repos.jobs.insert({
          id: jobId,
          user_id: caller.userId,
          container_id: space.containerId,
          task_type: input.taskType,
          action_type: input.taskType === TaskType.Delete ? (input.actionType ?? ActionType.Recycle) : (input.actionType ?? null),
          status: 2,
          file_count: needsFiles ? rows.length : applied,
          created_at: t,
          finished_at: t,
        });
      });
      return { jobId, status: 2 };
    },

    /** `GET jobs`: the caller's tasks, newest first. */
    async list(caller: Caller, filter: { taskType?: number; status?: number }, offset: number, limit: number) {
      const { rows, total } = await store.read.jobs.list(caller.userId, filter, offset, limit);
      return {
        jobs: rows.map((r) => ({
          jobId: r.id,
          taskType: r.task_type,
          ...(r.action_type !== null ? { actionType: r.action_type } : {}),
          status: r.status,
          fileCount: r.file_count,
          createTime: iso(Number(r.created_at)),
          ...(r.finished_at !== null ? { finishTime: iso(Number(r.finished_at)) } : {}),
        })),
        total,
      };
    },
  };
}
