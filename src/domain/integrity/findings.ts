/**
 * What the integrity checker reports: one finding per value or row that disagrees with what the
 * rows (and the blob store) say it must be, named by the check that found it and the ID of the
 * file, blob, album, space, user, family or upload it concerns.
 */

export type Severity = 'error' | 'warning';
export type Subject = 'blob' | 'file' | 'album' | 'space' | 'user' | 'family' | 'upload';

export interface Finding {
  /** The check's name, e.g. `blob-ref-count` (the README lists them). */
  check: string;
  /** Errors make `check` exit 1; warnings are states the server clears on its own in time. */
  severity: Severity;
  subject: Subject;
  id: string;
  message: string;
  /** Other IDs it concerns: a file using a blob, an album's member, the folders of a cycle. */
  related?: string[];
  /** `--repair` sets this value from the rows. */
  repairable: boolean;
}

export interface IntegrityReport {
  /** No error is left (after the repair, when one was asked for). */
  ok: boolean;
  findings: Finding[];
  /** Checks that found more than the listing limit: only the first ones are listed. */
  truncated: string[];
  /** With `--repair`: rows changed, by check. */
  repaired?: Record<string, number>;
  /** With `--repair`: what a check right after the repair still finds. */
  remaining?: Finding[];
  totals: { files: number; blobs: number; albums: number; spaces: number; albumItems: number; blobFiles: number; hashed: number };
  durationMs: number;
}

/** Collects findings, each check's listing capped so a ruined library still prints a readable report. */
export class Findings {
  readonly list: Finding[] = [];
  readonly truncated: string[] = [];

  constructor(readonly limit: number) {}

  private readonly perCheck = new Map<string, number>();

  add(f: Omit<Finding, 'severity' | 'repairable'> & { severity?: Severity; repairable?: boolean }): void {
    const seen = (this.perCheck.get(f.check) ?? 0) + 1;
    this.perCheck.set(f.check, seen);
    if (seen > this.limit) {
      if (!this.truncated.includes(f.check)) this.truncated.push(f.check);
      return;
    }
    const finding: Finding = { severity: f.severity ?? 'error', repairable: f.repairable ?? false, check: f.check, subject: f.subject, id: f.id, message: f.message };
    if (f.related && f.related.length > 0) finding.related = f.related;
    this.list.push(finding);
  }

  /** The rows of a query asked for `limit + 1`: the extra one only says there were more. */
  rows<T>(check: string, rows: T[]): T[] {
    if (rows.length <= this.limit) return rows;
    this.truncated.push(check);
    return rows.slice(0, this.limit);
  }
}

export const errorsOf = (findings: readonly Finding[]): Finding[] => findings.filter((f) => f.severity === 'error');

/** One line: severity, check, subject and ID, what is wrong; `--repair` marks what it would fix. */
export function formatFinding(f: Finding): string {
  const related = f.related ? ` [${f.related.join(', ')}]` : '';
  return `${f.severity.padEnd(7)} ${f.check.padEnd(28)} ${f.subject} ${f.id}: ${f.message}${related}${f.repairable ? ' (repairable)' : ''}`;
}

/** The text report: a line per finding, the repair, and a summary line. */
export function formatReport(r: IntegrityReport): string[] {
  const lines = r.findings.map(formatFinding);
  for (const check of r.truncated) lines.push(`note    ${check}: more findings than listed`);
  const count = (fs: readonly Finding[]) => {
    const errors = errorsOf(fs).length;
    return `${errors} error${errors === 1 ? '' : 's'}, ${fs.length - errors} warning${fs.length - errors === 1 ? '' : 's'}`;
  };
  const t = r.totals;
  lines.push(
    `checked ${t.files} files, ${t.blobs} blobs (${t.blobFiles} stored${t.hashed > 0 ? `, ${t.hashed} hashed` : ''}), ${t.albums} albums, ${t.albumItems} album items, ${t.spaces} spaces in ${(r.durationMs / 1000).toFixed(1)} s: ${count(r.findings)}`,
  );
  if (r.repaired) {
    const changed = Object.entries(r.repaired).filter(([, n]) => n > 0);
    lines.push(changed.length === 0 ? 'repaired nothing' : `repaired: ${changed.map(([k, n]) => `${k} ${n}`).join(', ')}`);
    for (const f of r.remaining ?? []) lines.push(`left    ${formatFinding(f)}`);
    lines.push(`after the repair: ${count(r.remaining ?? [])}`);
  }
  return lines;
}
