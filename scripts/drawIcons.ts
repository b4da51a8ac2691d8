import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

/**
 * Draws the two Teams app icons (a white cloud carrying a check mark: "the Azure plan is in order")
 * without any image library: shapes are point-membership tests, supersampled for anti-aliasing,
 * written as 8-bit RGBA PNG with node's zlib. Deterministic, so the committed PNGs can be redrawn.
 */

export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

export const AZURE_BLUE: Rgba = { r: 0x00, g: 0x78, b: 0xd4, a: 255 };
const AZURE_BLUE_DARK: Rgba = { r: 0x00, g: 0x5a, b: 0x9e, a: 255 };
const WHITE: Rgba = { r: 255, g: 255, b: 255, a: 255 };

type Point = readonly [number, number];

/** The mark, in a unit box: the cloud's body and the check mark stroked across it. */
const CLOUD_CIRCLES: ReadonlyArray<readonly [number, number, number]> = [
  [0.3, 0.58, 0.2],
  [0.55, 0.42, 0.28],
  [0.78, 0.6, 0.17],
];
const CLOUD_BASE = { x0: 0.2, x1: 0.8, y: 0.68, radius: 0.17 };
const CHECK_PATH: readonly Point[] = [
  [0.35, 0.6],
  [0.47, 0.72],
  [0.69, 0.47],
];
const CHECK_HALF_WIDTH = 0.055;

function distanceToSegment(px: number, py: number, a: Point, b: Point): number {
  const [ax, ay] = a;
  const [bx, by] = b;
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function insideCloud(x: number, y: number): boolean {
  if (CLOUD_CIRCLES.some(([cx, cy, r]) => Math.hypot(x - cx, y - cy) <= r)) return true;
  const { x0, x1, y: baseY, radius } = CLOUD_BASE;
  return distanceToSegment(x, y, [x0, baseY], [x1, baseY]) <= radius;
}

function onCheck(x: number, y: number): boolean {
  for (let i = 0; i < CHECK_PATH.length - 1; i += 1) {
    if (distanceToSegment(x, y, CHECK_PATH[i], CHECK_PATH[i + 1]) <= CHECK_HALF_WIDTH) return true;
  }
  return false;
}

/** True where the mark is white: the cloud minus the check mark cut out of it. */
export function insideMark(x: number, y: number): boolean {
  return insideCloud(x, y) && !onCheck(x, y);
}

function insideRoundedSquare(x: number, y: number, size: number, radius: number): boolean {
  const qx = Math.max(radius - x, 0, x - (size - radius));
  const qy = Math.max(radius - y, 0, y - (size - radius));
  return Math.hypot(qx, qy) <= radius;
}

const SUBSAMPLES = 4;

/** Fraction of a pixel's subsamples that fall inside a shape: the pixel's coverage. */
function coverage(px: number, py: number, inside: (x: number, y: number) => boolean): number {
  let hits = 0;
  for (let sy = 0; sy < SUBSAMPLES; sy += 1) {
    for (let sx = 0; sx < SUBSAMPLES; sx += 1) {
      if (inside(px + (sx + 0.5) / SUBSAMPLES, py + (sy + 0.5) / SUBSAMPLES)) hits += 1;
    }
  }
  return hits / (SUBSAMPLES * SUBSAMPLES);
}

/** Whether pixel (px, py) overlaps a square box; outside it the mark cannot cover anything. */
function inBox(px: number, py: number, box: { left: number; top: number; size: number }): boolean {
  return px + 1 > box.left && px < box.left + box.size && py + 1 > box.top && py < box.top + box.size;
}

function mix(under: Rgba, over: Rgba, amount: number): Rgba {
  const blend = (u: number, o: number): number => Math.round(u + (o - u) * amount);
  return { r: blend(under.r, over.r), g: blend(under.g, over.g), b: blend(under.b, over.b), a: 255 };
}

/** 192×192: an Azure-blue rounded square (darkening slightly towards the bottom) with the white mark. */
export function drawColorIcon(): Buffer {
  const size = 192;
  const radius = 40;
  const markBox = { left: 36, top: 40, size: 120 };
  const pixels = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    const background = mix(AZURE_BLUE, AZURE_BLUE_DARK, py / (size - 1) / 2);
    for (let px = 0; px < size; px += 1) {
      const nearCorner = (px < radius || px >= size - radius) && (py < radius || py >= size - radius);
      const squareCover = nearCorner
        ? coverage(px, py, (x, y) => insideRoundedSquare(x, y, size, radius))
        : 1;
      const markCover = inBox(px, py, markBox)
        ? coverage(px, py, (x, y) =>
            insideMark((x - markBox.left) / markBox.size, (y - markBox.top) / markBox.size),
          )
        : 0;
      const color = mix(background, WHITE, markCover);
      const offset = (py * size + px) * 4;
      pixels[offset] = color.r;
      pixels[offset + 1] = color.g;
      pixels[offset + 2] = color.b;
      pixels[offset + 3] = Math.round(255 * squareCover);
    }
  }
  return encodePng(size, size, pixels);
}

/** 32×32: the same mark, white on transparent (only alpha varies), as Teams requires for outlines. */
export function drawOutlineIcon(): Buffer {
  const size = 32;
  const markBox = { left: 1, top: 2, size: 30 };
  const pixels = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      const markCover = inBox(px, py, markBox)
        ? coverage(px, py, (x, y) =>
            insideMark((x - markBox.left) / markBox.size, (y - markBox.top) / markBox.size),
          )
        : 0;
      const offset = (py * size + px) * 4;
      pixels[offset] = 255;
      pixels[offset + 1] = 255;
      pixels[offset + 2] = 255;
      pixels[offset + 3] = Math.round(255 * markCover);
    }
  }
  return encodePng(size, size, pixels);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encodes 8-bit RGBA pixels (row-major, no padding) as a PNG; every scanline uses filter 0 (none). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) {
    throw new Error(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: truecolour with alpha
  header[10] = 0; // compression: deflate
  header[11] = 0; // filter method
  header[12] = 0; // no interlace
  const stride = width * 4;
  const scanlines = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    scanlines[y * (stride + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * stride, stride).copy(scanlines, y * (stride + 1) + 1);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function writeIcons(appPackageDir: string): { color: string; outline: string } {
  mkdirSync(appPackageDir, { recursive: true });
  const color = join(appPackageDir, 'color.png');
  const outline = join(appPackageDir, 'outline.png');
  writeFileSync(color, drawColorIcon());
  writeFileSync(outline, drawOutlineIcon());
  return { color, outline };
}

if (require.main === module) {
  // npm scripts run from the project root; an argument redirects the output (e.g. to compare).
  const written = writeIcons(process.argv[2] ?? join(process.cwd(), 'appPackage'));
  process.stdout.write(`wrote ${written.color} and ${written.outline}\n`);
}
