import path from 'node:path';

export type DatabaseConfig = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string; pool: number };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  /** Explicit signing secret; when undefined one is created and kept in the data dir. */
  secret: string | undefined;
  secretPrevious: string | undefined;
  logLevel: string;
  rateLimit: { max: number; windowMs: number; loginMax: number };
  /** Seconds of client clock ahead of ours that X-Date may show. */
  xDateToleranceSeconds: number;
  /** Seconds an access token works before it must be refreshed. */
  accessTokenTtlSeconds: number;
  limits: { albumsPerOwner: number; itemsPerAlbum: number; membersPerFamily: number };
  /** Bytes per space (0: unlimited) and per file. */
  drive: { quotaBytes: number; maxFileSize: number };
  /** Thumbnails made at once in the background. */
  thumbnailConcurrency: number;
  /** Origin put in front of signed URLs; by default the one the request came to. */
  publicUrl: string | undefined;
  /** Connection limits, so a stalled or idle client cannot hold a socket, a temp file or a shutdown. */
  timeouts: {
    /** Socket silence while the client owes us bytes (a stalled upload, an unread download). */
    idleMs: number;
    /** An idle kept-alive connection between requests. */
    keepAliveMs: number;
    /** The whole request, headers and body: a 5 GiB upload on a slow link must fit. */
    requestMs: number;
    /** After SIGTERM/SIGINT: how long in-flight requests may finish before their connections are cut. */
    shutdownGraceMs: number;
  };
  /** Bearer token `GET /metrics` asks for; undefined: metrics are open (keep the port private then). */
  metricsToken: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Env = Record<string, string | undefined>;

function readInt(env: Env, name: string, def: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw.trim())) {
    problems.push(`${name}: must be an integer from ${min} to ${max}, got "${raw}"`);
    return def;
  }
  const value = Number(raw.trim());
  if (value < min || value > max) {
    problems.push(`${name}: must be an integer from ${min} to ${max}, got "${raw}"`);
    return def;
  }
  return value;
}

function readUrl(env: Env, name: string, problems: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    return url.origin + url.pathname.replace(/\/$/, '');
  } catch {
    problems.push(`${name}: must be an http(s) URL such as https://photos.example.org, got "${raw}"`);
    return undefined;
  }
}

/** A bearer token: 16 to 256 printable ASCII characters, no spaces (it travels in a header). */
function readToken(env: Env, name: string, problems: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^[\x21-\x7e]{16,256}$/.test(raw)) {
    problems.push(`${name}: must be 16 to 256 printable ASCII characters without spaces`);
    return undefined;
  }
  return raw;
}

function readDatabase(env: Env, dataDir: string, problems: string[]): DatabaseConfig {
  const raw = env.ALBUMD_DATABASE_URL;
  if (raw === undefined || raw === '') return { dialect: 'sqlite', file: path.join(dataDir, 'albumd.sqlite') };
  if (/^postgres(ql)?:\/\//.test(raw)) return { dialect: 'postgres', url: raw, pool: readInt(env, 'ALBUMD_DATABASE_POOL', 10, 1, 1000, problems) };
  const sqlite = /^sqlite:(?:\/\/)?(.+)$/.exec(raw);
  if (sqlite?.[1]) return { dialect: 'sqlite', file: path.resolve(sqlite[1]) };
  problems.push(`ALBUMD_DATABASE_URL: must be sqlite:<path> or postgres://…, got "${raw}"`);
  return { dialect: 'sqlite', file: path.join(dataDir, 'albumd.sqlite') };
}

/** Reads and validates the whole configuration once; throws listing every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const dataDir = path.resolve(env.ALBUMD_DATA_DIR || './data');
  const secret = env.ALBUMD_SECRET || undefined;
  if (secret !== undefined && secret.length < 32) problems.push('ALBUMD_SECRET: must be at least 32 characters');
  const secretPrevious = env.ALBUMD_SECRET_PREVIOUS || undefined;
  if (secretPrevious !== undefined && secretPrevious.length < 32) {
    problems.push('ALBUMD_SECRET_PREVIOUS: must be at least 32 characters');
  }
  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  const host = env.HOST || '0.0.0.0';
  const config: Config = {
    port: readInt(env, 'PORT', 8080, 0, 65535, problems),
    host,
    dataDir,
    database: readDatabase(env, dataDir, problems),
    secret,
    secretPrevious,
    logLevel,
    rateLimit: {
      max: readInt(env, 'ALBUMD_RATE_LIMIT', 600, 0, 1_000_000_000, problems),
      windowMs: readInt(env, 'ALBUMD_RATE_LIMIT_WINDOW', 60, 1, 86_400, problems) * 1000,
      loginMax: readInt(env, 'ALBUMD_LOGIN_RATE_LIMIT', 30, 0, 1_000_000_000, problems),
    },
    xDateToleranceSeconds: readInt(env, 'ALBUMD_XDATE_TOLERANCE', 30, 0, 3600, problems),
    accessTokenTtlSeconds: readInt(env, 'ALBUMD_ACCESS_TOKEN_TTL', 1800, 10, 86_400, problems),
    limits: {
      albumsPerOwner: readInt(env, 'ALBUMD_MAX_ALBUMS', 100_000, 1, 100_000_000, problems),
      itemsPerAlbum: readInt(env, 'ALBUMD_MAX_ALBUM_ITEMS', 100_000, 1, 100_000_000, problems),
      membersPerFamily: readInt(env, 'ALBUMD_MAX_FAMILY_MEMBERS', 10, 2, 10_000, problems),
    },
    drive: {
      quotaBytes: readInt(env, 'ALBUMD_QUOTA', 0, 0, Number.MAX_SAFE_INTEGER, problems),
      maxFileSize: readInt(env, 'ALBUMD_MAX_FILE_SIZE', 5 * 1024 ** 3, 0, Number.MAX_SAFE_INTEGER, problems),
    },
    publicUrl: readUrl(env, 'ALBUMD_PUBLIC_URL', problems),
    thumbnailConcurrency: readInt(env, 'ALBUMD_THUMBNAIL_CONCURRENCY', 1, 1, 64, problems),
    timeouts: {
      idleMs: readInt(env, 'ALBUMD_IDLE_TIMEOUT', 30, 1, 86_400, problems) * 1000,
      keepAliveMs: readInt(env, 'ALBUMD_KEEPALIVE_TIMEOUT', 5, 1, 3600, problems) * 1000,
      requestMs: readInt(env, 'ALBUMD_REQUEST_TIMEOUT', 3600, 1, 604_800, problems) * 1000,
      shutdownGraceMs: readInt(env, 'ALBUMD_SHUTDOWN_GRACE', 10, 0, 3600, problems) * 1000,
    },
    metricsToken: readToken(env, 'ALBUMD_METRICS_TOKEN', problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
