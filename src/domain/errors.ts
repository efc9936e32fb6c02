/** The error catalogue of decisions.md §4: every failure albumd reports is one of these codes. */

export type Language = 'en' | 'zh';

export interface Localized {
  en: string;
  zh: string;
}

export const ErrorCode = {
  BadRequest: 13000101,
  InvalidParameter: 13000102,
  Internal: 13000201,
  SpaceUnavailable: 13000301,
  InRecycleBin: 13000306,
  NotFound: 13000309,
  QuotaExceeded: 13000311,
  IntegrityFailed: 13000402,
  NameTaken: 13000405,
  Forbidden: 13000410,
  Unauthenticated: 13001001,
  UserMismatch: 13001002,
  BadDate: 13001003,
  RateLimited: 13001004,
  UnknownRoute: 13001005,
  WrongAlbumType: 13001101,
  LimitReached: 13001102,
  NotMedia: 13001103,
  AlreadyMember: 13001104,
  StorageFull: 13001006,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

const catalogue: Record<ErrorCodeValue, { status: number; msg: Localized }> = {
  13000101: { status: 400, msg: { en: 'Bad request.', zh: '请求错误。' } },
  13000102: { status: 400, msg: { en: 'Verify parameters failed.', zh: '参数校验失败。' } },
  13000201: { status: 500, msg: { en: 'Internal error.', zh: '内部错误。' } },
  13000301: {
    status: 400,
    msg: { en: 'Space does not exist or is not available.', zh: '空间不存在或状态异常。' },
  },
  13000306: { status: 400, msg: { en: 'The file is in the recycle bin.', zh: '文件在回收站中。' } },
  13000309: { status: 400, msg: { en: 'Resource does not exist.', zh: '资源不存在。' } },
  13000311: { status: 400, msg: { en: 'Insufficient space.', zh: '空间不足。' } },
  13000402: { status: 400, msg: { en: 'File integrity check failed.', zh: '文件完整性校验失败。' } },
  13000405: { status: 400, msg: { en: 'Duplicate file name.', zh: '文件名重复。' } },
  13000410: { status: 400, msg: { en: 'No permission for this operation.', zh: '无权执行此操作。' } },
  13001001: { status: 401, msg: { en: 'Authentication failed.', zh: '认证失败。' } },
  13001002: { status: 401, msg: { en: 'X-User-Id does not match the token.', zh: 'X-User-Id 与令牌不匹配。' } },
  13001003: {
    status: 401,
    msg: { en: 'X-Date is missing, malformed or out of range.', zh: 'X-Date 缺失、格式错误或超出范围。' },
  },
  13001004: { status: 429, msg: { en: 'Too many requests.', zh: '请求过于频繁。' } },
  13001005: { status: 404, msg: { en: 'Unknown route.', zh: '未知的接口。' } },
  13001101: {
    status: 400,
    msg: { en: 'The album type does not allow this.', zh: '相册类型不支持此操作。' },
  },
  13001102: { status: 400, msg: { en: 'A limit has been reached.', zh: '已达到上限。' } },
  13001103: { status: 400, msg: { en: 'The file is not a photo or a video.', zh: '文件不是照片或视频。' } },
  13001104: { status: 400, msg: { en: 'Already a member or already invited.', zh: '已是成员或已邀请。' } },
  13001006: { status: 507, msg: { en: "The server's storage is full; nothing was changed.", zh: '服务器存储已满，未做任何更改。' } },
};

export const successMessage: Localized = { en: 'Success.', zh: '成功。' };

export interface FailEntry {
  fileId: string;
  code: ErrorCodeValue;
}

/** An expected failure: a catalogue code, an optional localised detail, and for batches the failed entries. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCodeValue,
    readonly detail?: Localized,
    readonly failList?: FailEntry[],
    status?: number,
  ) {
    super(detail?.en ?? catalogue[code].msg.en);
    this.name = 'AppError';
    this.status = status ?? catalogue[code].status;
  }

  localizedMessage(lang: Language): string {
    return this.detail ? this.detail[lang] : catalogue[this.code].msg[lang];
  }
}

export function catalogueMessage(code: ErrorCodeValue, lang: Language): string {
  return catalogue[code].msg[lang];
}

/** A parameter rule broken: the message names the field and the rule. */
export function invalidParam(field: string, rule: Localized | string): AppError {
  const r = typeof rule === 'string' ? { en: rule, zh: rule } : rule;
  return new AppError(ErrorCode.InvalidParameter, { en: `${field}: ${r.en}`, zh: `${field}：${r.zh}` });
}

export const badRequest = (why: Localized): AppError => new AppError(ErrorCode.BadRequest, why);
export const notFound = (): AppError => new AppError(ErrorCode.NotFound);
export const forbidden = (): AppError => new AppError(ErrorCode.Forbidden);
export const spaceUnavailable = (): AppError => new AppError(ErrorCode.SpaceUnavailable);
export const unauthenticated = (): AppError => new AppError(ErrorCode.Unauthenticated);
export const wrongAlbumType = (detail?: Localized): AppError => new AppError(ErrorCode.WrongAlbumType, detail);
export const limitReached = (detail?: Localized): AppError => new AppError(ErrorCode.LimitReached, detail);
export const nameTaken = (): AppError => new AppError(ErrorCode.NameTaken);
export const inRecycleBin = (): AppError => new AppError(ErrorCode.InRecycleBin);
export const internal = (): AppError => new AppError(ErrorCode.Internal);

const STORAGE_FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/**
 * A disk or database that ran out of room (the file system's ENOSPC/EDQUOT, SQLite's SQLITE_FULL):
 * the server's condition, not the caller's mistake, and not an internal fault either.
 */
export function storageFull(error: unknown): AppError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STORAGE_FULL.has(code) ? new AppError(ErrorCode.StorageFull) : undefined;
}

/** A unique index refused a row (PostgreSQL 23505 after its retries; SQLite's constraint codes). */
const UNIQUE_VIOLATION = new Set(['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
/** Writes that could not be ordered with concurrent ones however often they were retried. */
const CONTENTION = new Set(['40001', '40P01', 'SQLITE_BUSY']);

/**
 * What the database itself refused, in the catalogue: a row that conflicts with one that exists is
 * the conflict it is (13000405), writes that kept colliding are "try again later" (13001004). The
 * domain checks inside its writes, so these are the rare last word of the database, never a 500.
 */
export function databaseConflict(error: unknown): AppError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (UNIQUE_VIOLATION.has(code)) return new AppError(ErrorCode.NameTaken, { en: 'Conflicts with an entry that exists.', zh: '与已存在的条目冲突。' });
  if (CONTENTION.has(code)) return new AppError(ErrorCode.RateLimited, { en: 'The server is busy with the same data; try again.', zh: '服务器正忙于处理相同数据，请重试。' });
  return undefined;
}

/** Common rule texts, localised once. */
export const rules = {
  required: { en: 'is required', zh: '必填' },
  length: (min: number, max: number): Localized => ({
    en: `must be ${min} to ${max} characters`,
    zh: `长度须为 ${min} 到 ${max} 个字符`,
  }),
  items: (min: number, max: number): Localized => ({
    en: `must have ${min} to ${max} items`,
    zh: `须包含 ${min} 到 ${max} 项`,
  }),
  oneOf: (values: readonly unknown[]): Localized => ({
    en: `must be one of ${values.map(String).join(', ')}`,
    zh: `须为 ${values.map(String).join('、')} 之一`,
  }),
  distinct: { en: 'must not contain duplicates', zh: '不得重复' },
};
