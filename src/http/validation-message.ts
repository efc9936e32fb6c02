import type { FastifySchemaValidationError } from 'fastify';
import { rules, type Localized } from '../domain/errors.js';

type Schema = Record<string, unknown>;

function fieldOf(error: FastifySchemaValidationError, context: string): string {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const pathParts = error.instancePath.split('/').filter(Boolean);
  if (missing !== undefined) pathParts.push(missing);
  if (pathParts.length === 0) return context;
  return pathParts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function ruleOf(error: FastifySchemaValidationError): Localized {
  const schema = ((error as { parentSchema?: Schema }).parentSchema ?? {}) as Schema;
  const custom = schema['x-rule'];
  if (typeof custom === 'string') return { en: custom, zh: custom };
  const num = (k: string): number | undefined => (typeof schema[k] === 'number' ? (schema[k] as number) : undefined);
  switch (error.keyword) {
    case 'required':
      return rules.required;
    case 'minLength':
    case 'maxLength':
      return rules.length(num('minLength') ?? 0, num('maxLength') ?? Infinity);
    case 'minItems':
    case 'maxItems':
      return rules.items(num('minItems') ?? 0, num('maxItems') ?? Infinity);
    case 'enum':
      return rules.oneOf((schema.enum as unknown[]) ?? []);
    case 'const':
      return rules.oneOf([schema.const]);
    case 'minimum':
    case 'maximum':
      return {
        en: `must be between ${num('minimum') ?? '-∞'} and ${num('maximum') ?? '∞'}`,
        zh: `须在 ${num('minimum') ?? '-∞'} 到 ${num('maximum') ?? '∞'} 之间`,
      };
    case 'type':
      return { en: `must be ${String(schema.type)}`, zh: `类型须为 ${String(schema.type)}` };
    case 'uniqueItems':
      return rules.distinct;
    default:
      return { en: error.message ?? 'is invalid', zh: error.message ?? '无效' };
  }
}

/** The first schema violation as "field: rule" (decisions.md §4). */
export function describeValidation(errors: FastifySchemaValidationError[], context: string): { field: string; rule: Localized } {
  // With anyOf the branch errors come first and the anyOf error last: prefer an anyOf that states its
  // rule, else the first error of a real branch (not the null that Nullable fields allow).
  const schemaOf = (e: FastifySchemaValidationError) => ((e as { parentSchema?: Schema }).parentSchema ?? {}) as Schema;
  const preferred =
    errors.find((e) => e.keyword === 'anyOf' && typeof schemaOf(e)['x-rule'] === 'string') ??
    errors.find((e) => e.keyword !== 'anyOf' && schemaOf(e).type !== 'null') ??
    errors[0]!;
  return { field: fieldOf(preferred, context), rule: ruleOf(preferred) };
}
