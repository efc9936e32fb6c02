import fs from 'node:fs';
import sharp from 'sharp';

/** Test images and memory readings shared by the media tests and the thumbnail benchmark. */

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A tiny PNG whose header claims `width`×`height`: a decompression bomb as its header shows it. */
export async function pngClaiming(width: number, height: number, interlaced = false): Promise<Buffer> {
  const png = Buffer.from(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#884422' } }).png({ progressive: interlaced }).toBuffer());
  const ihdr = png.indexOf('IHDR');
  png.writeUInt32BE(width, ihdr + 4);
  png.writeUInt32BE(height, ihdr + 8);
  png.writeUInt32BE(crc32(png.subarray(ihdr, ihdr + 17)), ihdr + 17);
  return png;
}

/**
 * The process's peak RSS since `resetPeak`. Linux's VmHWM, which a process may reset; the
 * lifetime figure of resourceUsage().maxRSS would also count what a spawning parent had at fork.
 */
export function resetPeak(): void {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux: peakRss falls back to the lifetime peak.
  }
}

export function peakRss(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}
