/** fileType by content (decisions.md §6): what the bytes are, never what the name says. */

export const FileType = {
  Folder: '10',
  Image: '15',
  Video: '20',
  Audio: '30',
  Word: '26',
  Excel: '27',
  Powerpoint: '28',
  Archive: '35',
  Other: '45',
} as const;

const IMAGE_MIMES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/avif', 'image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence']);
const VIDEO_MIMES = new Set(['video/mp4', 'video/quicktime', 'video/webm', 'video/x-matroska', 'video/matroska', 'video/vnd.avi', 'video/x-msvideo', 'video/avi']);
const ARCHIVE_MIMES = new Set(['application/zip', 'application/gzip', 'application/x-7z-compressed', 'application/x-rar-compressed', 'application/vnd.rar', 'application/x-tar', 'application/x-bzip2', 'application/x-xz', 'application/zstd']);
const WORD = new Set(['application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.oasis.opendocument.text', 'application/rtf', 'application/pdf']);
const EXCEL = new Set(['application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.oasis.opendocument.spreadsheet']);
const POWERPOINT = new Set(['application/vnd.ms-powerpoint', 'application/vnd.openxmlformats-officedocument.presentationml.presentation', 'application/vnd.oasis.opendocument.presentation']);

export function fileTypeOf(mime: string): string {
  if (IMAGE_MIMES.has(mime)) return FileType.Image;
  if (VIDEO_MIMES.has(mime)) return FileType.Video;
  if (mime.startsWith('audio/')) return FileType.Audio;
  if (WORD.has(mime)) return FileType.Word;
  if (EXCEL.has(mime)) return FileType.Excel;
  if (POWERPOINT.has(mime)) return FileType.Powerpoint;
  if (ARCHIVE_MIMES.has(mime)) return FileType.Archive;
  return FileType.Other;
}

/** ISO base media containers that mp4box reads (MP4, MOV, 3GP). */
export const ISO_BMFF = new Set(['video/mp4', 'video/quicktime', 'video/3gpp', 'video/3gpp2']);
