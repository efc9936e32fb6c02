import type { Language } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Language;
    /** The authenticated caller; set by the auth gate on KooDrive routes. */
    auth: { userId: string } | undefined;
    /** An X-Traceid header was sent but is not 58 characters of [A-Za-z0-9_]. */
    badTraceId: boolean;
  }
  interface FastifyContextConfig {
    /** A KooDrive API route: gets the header gate and the protocol checks. */
    kooDrive?: boolean;
    /** Needs no credentials (login, refresh, signed URLs). */
    public?: boolean;
    /** A public route that takes the KooDrive headers in place of its signature (the thumbnail); for the OpenAPI document. */
    acceptsToken?: boolean;
    /**
     * Bytes behind signed URLs (downloads, thumbnails, upload parts): a gallery page fetches a
     * hundred thumbnails at once, so these are not counted by the per-user request limit.
     */
    media?: boolean;
  }
}

export {};
