// Bundles the server for `npm start`: plain JavaScript (no TypeScript loader at run time, ~40 MB
// less memory), dependencies left as packages.
import { build } from 'esbuild';
import fs from 'node:fs';

await build({
  entryPoints: { server: 'src/server.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
// The workers are loaded by path next to the code that starts them.
fs.copyFileSync('src/media/heic-worker.mjs', 'dist/heic-worker.mjs');
fs.copyFileSync('src/db/checkpoint-worker.mjs', 'dist/checkpoint-worker.mjs');
