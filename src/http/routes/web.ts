import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { AppError, ErrorCode } from '../../domain/errors.js';

/**
 * The web gallery (web/, built into dist/web) on the API's own origin: `/` is its page (never
 * cached, so a new build is seen at once), `/assets/*` its hashed files (cached for good). The
 * gallery routes by the URL's hash, so every other path stays the API's, with the API's 404s.
 */

/** Where the built gallery is, beside the bundle (dist/server.mjs) or the sources (src/http/routes). */
export function findGallery(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // ALBUMD_GALLERY_DIR: a gallery built elsewhere (`vite build --outDir`), for working on it; when
  // it names no build, the API is served alone rather than another build found by chance.
  const chosen = process.env.ALBUMD_GALLERY_DIR;
  const candidates = chosen ? [path.resolve(chosen)] : [path.join(here, 'web'), path.resolve(here, '../../../dist/web')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}

/** What the page may load: only albumd itself (and the public URL signed links point at). */
function pagePolicy(publicUrl: string | undefined): string {
  const own = publicUrl ? `'self' ${new URL(publicUrl).origin}` : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Svelte sets element styles (the virtual grid's positions) inline.
    "style-src 'self' 'unsafe-inline'",
    `img-src ${own} data: blob:`,
    `media-src ${own} blob:`,
    `connect-src ${own}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

export async function webRoutes(app: FastifyInstance, options: { publicUrl: string | undefined; dir?: string | undefined }): Promise<void> {
  const dir = options.dir ?? findGallery();
  if (!dir) {
    app.log.warn('the web gallery is not built (npm run build): serving the API alone');
    return;
  }
  const policy = pagePolicy(options.publicUrl);
  // Read per request (it is small): a build replaced under a running server is served at once,
  // never an old page naming assets that are gone.
  app.get('/', { schema: { hide: true } }, async (_req, reply) => {
    const index = await fs.promises.readFile(path.join(dir, 'index.html')).catch(() => undefined);
    if (!index) throw new AppError(ErrorCode.UnknownRoute);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', policy)
      .header('referrer-policy', 'same-origin')
      .send(index);
  });
  await app.register(fastifyStatic, {
    root: path.join(dir, 'assets'),
    prefix: '/assets/',
    index: false,
    list: false,
    dotfiles: 'deny',
    // Hashed names: a file never changes under its name.
    immutable: true,
    maxAge: '365d',
    cacheControl: true,
  });
}
