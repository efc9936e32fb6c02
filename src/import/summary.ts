/** The tally of one run, what the summary says, and the exit status it gives. */

export interface Failure {
  path: string;
  reason: string;
}

export interface Summary {
  dryRun: boolean;
  folders: { created: number; existing: number };
  /** Photos and videos albumd holds from this run: sent, or recognised by sha256 (rapid upload). */
  imported: number;
  /** Of those, how many were rapid uploads (no bytes sent). */
  rapid: number;
  /** Of those, how many replaced an earlier import of a file that changed on disk. */
  replaced: number;
  bytesSent: number;
  /** Already in albumd from an earlier run (same path, same content): skipped. */
  duplicates: number;
  /** Files that are not photos or videos (by extension): skipped. */
  notMedia: number;
  /** Hidden and system files, sidecars, --exclude matches: not looked at. */
  ignored: number;
  warnings: number;
  failed: Failure[];
  albums: { created: number; updated: number; unchanged: number };
  /** Photos and videos left for a later run (the run stopped first). */
  notDone: number;
  /** Why the run stopped early (server gone, session ended, interrupted). */
  stopped?: string | undefined;
  interrupted: boolean;
  seconds: number;
}

export function emptySummary(dryRun: boolean): Summary {
  return {
    dryRun,
    folders: { created: 0, existing: 0 },
    imported: 0,
    rapid: 0,
    replaced: 0,
    bytesSent: 0,
    duplicates: 0,
    notMedia: 0,
    ignored: 0,
    warnings: 0,
    failed: [],
    albums: { created: 0, updated: 0, unchanged: 0 },
    notDone: 0,
    interrupted: false,
    seconds: 0,
  };
}

/** 0 nothing failed; 1 something failed or the run stopped early; 130 interrupted (Ctrl-C). */
export function exitCodeOf(summary: Summary): number {
  if (summary.interrupted) return 130;
  return summary.failed.length > 0 || summary.stopped !== undefined ? 1 : 0;
}

export const formatBytes = (n: number): string => {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
};

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export function formatSummary(s: Summary): string[] {
  const lines: string[] = [];
  const would = s.dryRun ? 'would be ' : '';
  lines.push(s.dryRun ? 'Dry run: nothing was changed.' : s.interrupted ? 'Interrupted.' : s.stopped ? 'Stopped early.' : 'Import finished.');
  if (s.stopped) lines.push(`  ${s.stopped}`);
  const rapid = s.rapid > 0 ? `, ${plural(s.rapid, 'rapid upload')} (already on the server: no bytes sent)` : '';
  const replaced = s.replaced > 0 ? `, ${s.replaced} replacing a changed file` : '';
  lines.push(`  imported:                 ${plural(s.imported, 'photo or video', 'photos and videos')} ${would}(${formatBytes(s.bytesSent)} ${s.dryRun ? 'at most to send' : 'sent'}${rapid}${replaced})`);
  lines.push(`  skipped as duplicates:    ${s.duplicates.toLocaleString('en')} (already imported, unchanged)`);
  lines.push(`  skipped as not media:     ${s.notMedia.toLocaleString('en')}`);
  lines.push(`  ignored:                  ${s.ignored.toLocaleString('en')} (hidden and system files, sidecars, --exclude)`);
  lines.push(`  folders:                  ${s.folders.created} ${s.dryRun ? 'to create' : 'created'}, ${s.folders.existing} already there`);
  if (s.albums.created + s.albums.updated + s.albums.unchanged > 0) {
    lines.push(`  albums:                   ${s.albums.created} ${s.dryRun ? 'to create' : 'created'}, ${s.albums.updated} ${s.dryRun ? 'to update' : 'updated'}, ${s.albums.unchanged} unchanged`);
  }
  if (s.warnings > 0) lines.push(`  warnings:                 ${s.warnings}`);
  if (s.notDone > 0) lines.push(`  not done:                 ${plural(s.notDone, 'file')} (run the same command again to continue)`);
  lines.push(`  failed:                   ${s.failed.length}`);
  for (const f of s.failed.slice(0, 50)) lines.push(`    ${f.path}: ${f.reason}`);
  if (s.failed.length > 50) lines.push(`    … and ${s.failed.length - 50} more (--json lists them all)`);
  lines.push(`  time:                     ${s.seconds.toFixed(1)} s`);
  return lines;
}
