import { ApiError, type ImportClient } from './client.js';
import type { DriveFile } from '../../web/src/lib/types.js';
import { isFolder } from '../../web/src/lib/drive.js';

/**
 * The server's side of the mirror: each folder's children, listed once per run and kept up to date
 * with what this run adds, and folders found by name or made (a rerun reuses the folder it made,
 * never a `Photos (1)` beside it).
 */


export class FolderInTheWay extends Error {}

export class RemoteTree {
  private readonly listings = new Map<string, Promise<DriveFile[]>>();

  constructor(
    private readonly client: ImportClient,
    readonly containerId: string,
  ) {}

  /** The children of a folder, listed once (all pages). */
  children(folderId: string): Promise<DriveFile[]> {
    let listing = this.listings.get(folderId);
    if (!listing) {
      listing = this.client.listFolder(this.containerId, folderId);
      // A failed listing is not kept: a later call asks again.
      listing.catch(() => this.listings.delete(folderId));
      this.listings.set(folderId, listing);
    }
    return listing;
  }

  /** What a folder made by this run holds: nothing yet (no need to ask). */
  madeEmpty(folderId: string): void {
    this.listings.set(folderId, Promise.resolve([]));
  }

  /** Records a file this run added, so later lookups in the folder see it. */
  async added(folderId: string, file: DriveFile): Promise<void> {
    (await this.children(folderId)).push(file);
  }

  private async findFolder(parentId: string, name: string): Promise<DriveFile | undefined> {
    return (await this.children(parentId)).find((f) => isFolder(f) && f.fileName === name && !f.recycled);
  }

  /** The folder `name` in `parentId`: the one there, else a new one. */
  async ensureFolder(parentId: string, name: string): Promise<{ id: string; created: boolean }> {
    const found = await this.findFolder(parentId, name);
    if (found) return { id: found.id, created: false };
    try {
      const made = await this.client.mkdir(this.containerId, parentId, name);
      this.madeEmpty(made.id);
      await this.added(parentId, made as DriveFile);
      return { id: made.id, created: true };
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 13000405) throw error;
    }
    // The name was taken meanwhile (another client, a file of that name): look again.
    this.listings.delete(parentId);
    const again = await this.findFolder(parentId, name);
    if (again) return { id: again.id, created: false };
    throw new FolderInTheWay(`a file named "${name}" is in the way of the folder`);
  }
}
