import { randomBytes } from 'node:crypto';

/** Snowflake layout of decisions.md §2: 41 bits of ms since this epoch, 10 bits worker, 12 bits sequence. */
export const SNOWFLAKE_EPOCH = 1288834974657;
const MAX_SEQUENCE = 0xfff;
const MAX_BACKWARD_WAIT_MS = 5000;

export class ClockMovedBackError extends Error {
  constructor(readonly driftMs: number) {
    super(`clock moved back by ${driftMs} ms; refusing to issue IDs`);
  }
}

export interface IdGenerator {
  readonly workerId: number;
  next(): Promise<string>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createSnowflake(workerId: number, now: () => number = Date.now): IdGenerator {
  if (!Number.isInteger(workerId) || workerId < 0 || workerId > 1023) throw new RangeError('workerId must be 0..1023');
  const worker = BigInt(workerId) << 12n;
  let lastMs = -1;
  let sequence = 0;

  const compose = (ms: number, seq: number): string =>
    ((BigInt(ms - SNOWFLAKE_EPOCH) << 22n) | worker | BigInt(seq)).toString().padStart(19, '0');

  async function next(): Promise<string> {
    for (;;) {
      const ms = now();
      if (ms < lastMs) {
        const drift = lastMs - ms;
        if (drift > MAX_BACKWARD_WAIT_MS) throw new ClockMovedBackError(drift);
        await sleep(drift);
        continue;
      }
      if (ms === lastMs) {
        if (sequence < MAX_SEQUENCE) {
          sequence += 1;
          return compose(ms, sequence);
        }
        await sleep(1);
        continue;
      }
      lastMs = ms;
      sequence = 0;
      return compose(ms, sequence);
    }
  }

  return { workerId, next };
}

/** Decodes a snowflake into its parts (for tests and diagnostics). */
export function decodeSnowflake(id: string): { ms: number; workerId: number; sequence: number } {
  const v = BigInt(id);
  return {
    ms: Number(v >> 22n) + SNOWFLAKE_EPOCH,
    workerId: Number((v >> 12n) & 0x3ffn),
    sequence: Number(v & 0xfffn),
  };
}

export const SNOWFLAKE_RE = /^\d{19}$/;

/** `F` + 32 characters of URL-safe base64. */
export function newFileId(): string {
  return `F${randomBytes(24).toString('base64url')}`;
}

/** `IAA` + 34 characters of URL-safe base64. */
export function newContainerId(): string {
  return `IAA${randomBytes(26).toString('base64url').slice(0, 34)}`;
}

/** 64 lowercase hex characters: the token form of decisions.md §3. */
export function newTokenHex(): string {
  return randomBytes(32).toString('hex');
}

const TRACE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

function randomTraceChars(n: number): string {
  let out = '';
  for (const b of randomBytes(n)) out += TRACE_ALPHABET[b % 63];
  return out;
}

// Trace IDs need to be unique, not secret: a random per-process prefix and a counter.
const TRACE_PREFIX = randomTraceChars(46);
let traceCounter = 0;

/** 58 characters of [A-Za-z0-9_]. */
export function newTraceId(): string {
  traceCounter = (traceCounter + 1) % 0xffffffffffff;
  return TRACE_PREFIX + traceCounter.toString(16).padStart(12, '0');
}
