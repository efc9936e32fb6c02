/**
 * What the import takes, by name alone (reading every file's first bytes would double the reads of
 * a library; albumd decides the real type from the bytes anyway), and what it leaves alone.
 */

/** Photos and videos albumd reads (README "Photos and videos"), by extension, lower case. */
export const MEDIA_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg', '.jpeg', '.png', '.heic', '.heif', '.webp', '.gif', '.tif', '.tiff', '.avif',
  '.mp4', '.mov', '.m4v', '.webm', '.mkv', '.avi', '.3gp',
]);

/** Files that describe a photo beside it (Lightroom XMP, iOS edits, camera thumbnails). */
export const SIDECAR_EXTENSIONS: ReadonlySet<string> = new Set(['.xmp', '.aae', '.thm']);

/** What operating systems and NAS boxes leave in photo folders (compared case-insensitively). */
const SYSTEM_NAMES: ReadonlySet<string> = new Set([
  '.ds_store', 'thumbs.db', 'ehthumbs.db', 'desktop.ini', '@eadir', '#recycle', '#snapshot', '$recycle.bin',
  'system volume information', '.appledouble', '.spotlight-v100', '.trashes', '.fseventsd', 'lost+found',
  '.picasa.ini', 'picasa.ini', '.thumbnails',
]);

export type IgnoreReason = 'hidden' | 'system' | 'sidecar' | 'excluded' | 'special';

export const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
};

export const isMediaName = (name: string): boolean => MEDIA_EXTENSIONS.has(extensionOf(name));

/** Why an entry is left out by default (before any --exclude), or undefined when it is looked at. */
export function ignoredByDefault(name: string, isDirectory: boolean): IgnoreReason | undefined {
  if (SYSTEM_NAMES.has(name.toLowerCase())) return 'system';
  if (name.startsWith('.')) return 'hidden';
  if (!isDirectory && SIDECAR_EXTENSIONS.has(extensionOf(name))) return 'sidecar';
  return undefined;
}
