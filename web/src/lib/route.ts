/**
 * An ID taken from the page's address (#/album/<id>, #/library/<space>/<folder>, #/families/<id>).
 * A malformed escape, a slash, or a dot segment ('.', '..', which fetch would resolve into another
 * API path) is no ID: it becomes one that names nothing, so the page says "does not exist".
 */
export const NO_ID = 'none';

export function idFrom(segment: string): string {
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return NO_ID;
  }
  return id === '' || id === '.' || id === '..' || id.includes('/') || id.includes('\\') ? NO_ID : id;
}
