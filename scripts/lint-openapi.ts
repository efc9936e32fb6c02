/**
 * `npm run lint:openapi`: builds the server on a throw-away data directory, takes the OpenAPI
 * document it serves at /openapi.json, and lints it with Redocly (redocly.yaml: the recommended
 * rules). Exits with Redocly's code. `--keep` leaves the document in place and prints its path.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function lint(keep: boolean): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'albumd-openapi-'));
  try {
    const config = loadConfig({ ...process.env, ALBUMD_DATA_DIR: path.join(dir, 'data'), ALBUMD_DATABASE_URL: '', LOG_LEVEL: 'silent' });
    fs.mkdirSync(config.dataDir, { recursive: true });
    const { app } = await buildApp(config, { logger: false });
    const file = path.join(dir, 'openapi.json');
    try {
      fs.writeFileSync(file, `${JSON.stringify(app.swagger(), null, 2)}\n`);
    } finally {
      await app.close();
    }
    const redocly = path.join(root, 'node_modules', '.bin', 'redocly');
    const result = spawnSync(redocly, ['lint', file, '--config', path.join(root, 'redocly.yaml'), '--format=stylish'], { cwd: root, stdio: 'inherit' });
    if (result.error) throw result.error;
    if (keep) console.log(`document: ${file}`);
    return result.status ?? 1;
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(await lint(process.argv.includes('--keep')));
