/** What the viewer shows of an album item or a library file. */
export interface ViewItem {
  id: string;
  fileName?: string | undefined;
  fileType: string;
  mimeType?: string | undefined;
  takeTime?: string | undefined;
  size?: number | undefined;
  width?: number | undefined;
  height?: number | undefined;
  thumbnailUrl?: string | undefined;
}

/** The space the items are in: their originals are downloaded from it. */
export interface ViewSource {
  containerId: string;
  shareFolderId?: string | undefined;
}
