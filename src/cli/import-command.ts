import { parseArgs } from 'node:util';
import { hiddenAnswers, interactive, PromptAborted } from './prompt.js';
import type { AlbumMode } from '../import/albums.js';
import { SessionEnded, Unreachable } from '../import/client.js';
import { jsonReporter, plainReporter, ttyReporter, type Reporter } from '../import/progress.js';
import { BadInput, runImport, type ImportOptions } from '../import/run.js';
import { StateLocked } from '../import/state.js';
import { exitCodeOf } from '../import/summary.js';

export const IMPORT_USAGE = `  albumd import <dir> --server URL (--phone P | [--token T] --user-id U with ALBUMD_TOKEN=T)
        [--family SHARE_FOLDER_ID] [--parent FOLDER_ID] [--name NAME]
        [--albums none|collection|manual] [--concurrency N] [--exclude GLOB]…
        [--dry-run] [--json] [--state FILE]
                                                 bring a folder tree of photos and videos into a
                                                 running albumd over its API (password: the
                                                 ALBUMD_PASSWORD variable, else a prompt); resumable`;

const USAGE = `usage:\n${IMPORT_USAGE}`;

class UsageProblem extends Error {}

interface Parsed {
  options: ImportOptions;
  json: boolean;
}

function parse(args: string[], env: NodeJS.ProcessEnv): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        server: { type: 'string' },
        phone: { type: 'string' },
        token: { type: 'string' },
        'user-id': { type: 'string' },
        family: { type: 'string' },
        parent: { type: 'string' },
        name: { type: 'string' },
        albums: { type: 'string', default: 'none' },
        concurrency: { type: 'string', default: '4' },
        exclude: { type: 'string', multiple: true, default: [] },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        state: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageProblem((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageProblem('');
  if (positionals.length !== 1) throw new UsageProblem(positionals.length === 0 ? 'which directory? (albumd import <dir> …)' : `one directory at a time (got ${positionals.length})`);
  if (!values.server) throw new UsageProblem('--server URL is needed (e.g. --server http://localhost:8080)');
  let server: URL;
  try {
    server = new URL(values.server);
  } catch {
    throw new UsageProblem(`--server ${values.server}: not a URL (e.g. http://localhost:8080)`);
  }
  if (server.protocol !== 'http:' && server.protocol !== 'https:') throw new UsageProblem(`--server ${values.server}: must be http:// or https://`);
  if (!['none', 'collection', 'manual'].includes(values.albums)) throw new UsageProblem(`--albums ${values.albums}: must be none, collection or manual`);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageProblem(`--concurrency ${values.concurrency}: must be a whole number from 1 to 64`);
  // A token given in ALBUMD_TOKEN stays out of the process list and the shell history.
  if (!values.token && !values.phone && env.ALBUMD_TOKEN) values.token = env.ALBUMD_TOKEN;
  if (values.token && values.phone) throw new UsageProblem('--phone or --token, not both');
  if (values.token && !values['user-id']) throw new UsageProblem('--token needs --user-id (the token\'s user)');
  if (!values.token && !values.phone) throw new UsageProblem('who? --phone P (password from ALBUMD_PASSWORD or a prompt), or --token T --user-id U');
  if (values.name !== undefined && values.name.trim() === '') throw new UsageProblem('--name must not be empty');
  const multipartAbove = env.ALBUMD_IMPORT_MULTIPART_ABOVE ? Number(env.ALBUMD_IMPORT_MULTIPART_ABOVE) : undefined;
  return {
    json: values.json,
    options: {
      dir: positionals[0]!,
      server: `${server.origin}${server.pathname.replace(/\/+$/, '')}`,
      credentials: values.token ? { token: values.token, userId: values['user-id'] } : { phone: values.phone, password: env.ALBUMD_PASSWORD },
      family: values.family,
      parent: values.parent,
      name: values.name,
      albums: values.albums as AlbumMode,
      concurrency,
      dryRun: values['dry-run'],
      exclude: values.exclude,
      stateFile: values.state,
      multipartAbove: multipartAbove !== undefined && Number.isFinite(multipartAbove) && multipartAbove >= 0 ? multipartAbove : undefined,
      env,
    },
  };
}

function reporterFor(json: boolean): Reporter {
  if (json) return jsonReporter();
  return process.stderr.isTTY ? ttyReporter() : plainReporter();
}

/**
 * `albumd import <dir> …`: exit 0 when nothing failed, 1 when something failed or the run stopped
 * early (the server went away), 2 on bad arguments or input (no such directory, sign-in refused,
 * unknown family or folder), 130 when interrupted by Ctrl-C (run it again to continue).
 */
export async function importCommand(args: string[]): Promise<number> {
  const env = process.env;
  let json = args.includes('--json');
  const refuse = (message: string, code: number, usage = false): number => {
    if (json) process.stdout.write(`${JSON.stringify({ event: 'error', message, exitCode: code })}\n`);
    process.stderr.write(`albumd import: ${message}\n${usage ? `${USAGE}\n` : ''}`);
    return code;
  };
  let parsed: Parsed;
  try {
    parsed = parse(args, env);
    json = parsed.json;
  } catch (error) {
    if (error instanceof UsageProblem && error.message === '') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    return refuse((error as Error).message, 2, true);
  }
  const { options } = parsed;

  if (options.credentials.phone !== undefined && options.credentials.password === undefined) {
    if (!interactive()) return refuse('no password: set ALBUMD_PASSWORD, or run on a terminal to be asked', 2);
    try {
      [options.credentials.password] = await hiddenAnswers([`Password for ${options.credentials.phone}: `]);
    } catch (error) {
      if (error instanceof PromptAborted) return refuse(error.message, 2);
      throw error;
    }
  }

  // Ctrl-C (or SIGTERM): stop starting files, give up the uploads under way, keep the state, say
  // so; a second one quits at once (the next run gives up what is left).
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    signals += 1;
    if (signals === 1) {
      controller.abort();
      process.stderr.write('\nstopping: giving up the uploads under way (press Ctrl-C again to quit at once)\n');
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await runImport(options, reporterFor(json), controller.signal);
    return exitCodeOf(summary);
  } catch (error) {
    if (error instanceof BadInput || error instanceof StateLocked) return refuse(error.message, 2);
    if (error instanceof Unreachable || error instanceof SessionEnded) return refuse(error.message, 1);
    return refuse(`failed: ${(error as Error).stack ?? String(error)}`, 1);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
