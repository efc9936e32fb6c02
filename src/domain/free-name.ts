import type { Repositories } from '../db/repositories/index.js';
import { freeName } from './names.js';

const stemOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
};

/** `name` when no visible item of the folder has it, else the first free `name (n)`. */
export async function freeNameIn(repos: Repositories, parentId: string, name: string): Promise<string> {
  const taken = new Set(await repos.files.childNamesStartingWith(parentId, stemOf(name)));
  return freeName(name, taken);
}
