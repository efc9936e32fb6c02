import type { FastifyRequest } from 'fastify';
import { successMessage, type Language } from '../domain/errors.js';

/** `language` header → message language: zh for zh_cn / zh-CN in any case, English otherwise. */
export function languageOf(header: string | string[] | undefined): Language {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^zh[-_]cn$/i.test(value.trim()) ? 'zh' : 'en';
}

/** The success envelope of decisions.md §1: payload at top level beside code 0 and a localised msg. */
export function ok<T extends object>(req: FastifyRequest, payload?: T): T & { code: 0; msg: string } {
  return { ...(payload as T), code: 0, msg: successMessage[req.lang] };
}
