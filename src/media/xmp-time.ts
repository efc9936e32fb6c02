/**
 * Shooting times kept only in XMP (photos edited in Lightroom or Photoshop often lose the EXIF
 * block's DateTimeOriginal but keep `exif:DateTimeOriginal` or `photoshop:DateCreated` in XMP).
 * XMP dates are ISO 8601: `2019-07-14T08:45:30`, with optional fraction and `Z` or `±hh:mm`;
 * without an offset the time is taken as UTC, as for EXIF.
 */

const XMP_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** The value of an XMP property, in attribute (`exif:X="…"`) or element (`<exif:X>…</exif:X>`) form. */
function property(xmp: string, name: string): string | undefined {
  const escaped = name.replace(':', '\\:');
  const attribute = new RegExp(`\\b${escaped}\\s*=\\s*"([^"]*)"`).exec(xmp) ?? new RegExp(`\\b${escaped}\\s*=\\s*'([^']*)'`).exec(xmp);
  if (attribute) return attribute[1];
  const element = new RegExp(`<${escaped}>\\s*([^<]*?)\\s*</${escaped}>`).exec(xmp);
  return element?.[1];
}

export function xmpDate(value: string | undefined): number | null {
  if (value === undefined) return null;
  const m = XMP_DATE.exec(value.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1800 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let t = Date.UTC(y, mo - 1, d, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return Number.isFinite(t) ? t : null;
}

/** XMP `exif:DateTimeOriginal`, else `photoshop:DateCreated` (decisions.md §6's order). */
export function xmpTakeTime(xmp: Buffer | undefined): number | null {
  if (!xmp || xmp.length === 0) return null;
  const text = xmp.toString('utf8');
  return xmpDate(property(text, 'exif:DateTimeOriginal')) ?? xmpDate(property(text, 'photoshop:DateCreated'));
}
