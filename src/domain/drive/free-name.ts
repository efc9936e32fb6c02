import type { Repositories } from '../../db/repositories/index.js';
import { freeName, numberedPrefix } from './names.js';

/** `name` when no visible item of the folder has it, else the first free `name (n)` (within 250 code points). */
export async function freeNameIn(repos: Repositories, parentId: string, name: string): Promise<string> {
  const taken = new Set(await repos.files.childNamesStartingWith(parentId, numberedPrefix(name)));
  return freeName(name, taken);
}
