import type { Caller, DomainDeps } from '../context.js';
import { nameTaken } from '../errors.js';
import { fileInSpace, type SpaceRef } from './files.js';
import { toFileObject, type FileObject, urlContext } from './file-view.js';
import { freeNameIn } from './free-name.js';
import { checkFileName } from './names.js';
import { resolveSpace } from './spaces.js';
import { forbidden, inRecycleBin } from '../errors.js';
import { mayChange } from '../families/family-rights.js';

/** `files/rename/{fileId}`: renameMode 3 (default) refuses a taken name, 2 takes a free one. */
export function createRenameService(deps: DomainDeps) {
  const { store, now } = deps;
  return {
    async rename(caller: Caller, fileId: string, input: SpaceRef & { name: string; renameMode?: number | undefined }): Promise<FileObject> {
      checkFileName('name', input.name);
      const row = await store.write(async (repos) => {
        const space = await resolveSpace(repos, caller.userId, input);
        const file = await fileInSpace(repos, space, fileId);
        if (!mayChange(space, caller.userId, false, file)) throw forbidden();
        if (file.recycled !== 0) throw inRecycleBin();
        if (file.name === input.name) return file;
        const name = await freeNameIn(repos, file.parent_id!, input.name);
        if (name !== input.name && input.renameMode !== 2) throw nameTaken();
        const t = now();
        await repos.files.rename(file.id, name, t);
        await repos.albumItems.setEdited(file.id, t);
        return { ...file, name, edited_time: t };
      });
      return toFileObject(row, urlContext(deps, caller));
    },
  };
}
