import { loadConfig } from '../config.js';
import { openStore } from '../db/database.js';
import { createDomain, type Domain } from '../domain/index.js';
import { domainDeps } from '../runtime.js';
import { leaseWorkerId } from '../worker-lease.js';

/** A mistake in the command line: the CLI says what and shows the usage, exit 2. */
export class UsageError extends Error {}

/** A refusal with a message of its own (no usage text): exit `exitCode`. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** One JSON line on stdout. */
export const line = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

/** Lines of text on stdout. */
export const say = (...lines: string[]): void => {
  process.stdout.write(lines.map((l) => `${l}\n`).join(''));
};

/** Runs one admin command with the server's configuration; safe while the server runs. */
export async function withDomain<T>(fn: (domain: Domain) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config);
  const lease = await leaseWorkerId(store, 'command');
  try {
    const domain = createDomain(domainDeps(config, store, lease.workerId));
    return await fn(domain);
  } finally {
    await lease.release().catch(() => undefined);
    await store.close();
  }
}
