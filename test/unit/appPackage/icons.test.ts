import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AZURE_BLUE, drawColorIcon, drawOutlineIcon } from '../../../scripts/drawIcons';
import { APP_PACKAGE_DIR } from './manifestFiles';
import { readPngHeader, readRgbaPixels } from './readPng';

const colorPng = () => readFileSync(join(APP_PACKAGE_DIR, 'color.png'));
const outlinePng = () => readFileSync(join(APP_PACKAGE_DIR, 'outline.png'));

function pixelAt(pixels: Uint8Array, width: number, x: number, y: number) {
  const offset = (y * width + x) * 4;
  return { r: pixels[offset], g: pixels[offset + 1], b: pixels[offset + 2], a: pixels[offset + 3] };
}

describe('app icons', () => {
  it('color.png is a 192×192 RGBA PNG', () => {
    expect(readPngHeader(colorPng())).toMatchObject({ width: 192, height: 192, bitDepth: 8, colorType: 6 });
  });

  it('outline.png is a 32×32 RGBA PNG', () => {
    expect(readPngHeader(outlinePng())).toMatchObject({ width: 32, height: 32, bitDepth: 8, colorType: 6 });
  });

  it('outline.png is white on transparent: every pixel is either fully transparent or white', () => {
    const pixels = readRgbaPixels(outlinePng());
    let visible = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b, a] = pixels.subarray(i, i + 4);
      if (a === 0) continue;
      visible += 1;
      expect([r, g, b]).toEqual([255, 255, 255]);
    }
    expect(visible).toBeGreaterThan(32 * 32 * 0.25);
  });

  it('color.png is an Azure-blue rounded square carrying a white mark', () => {
    const pixels = readRgbaPixels(colorPng());
    expect(pixelAt(pixels, 192, 0, 0).a).toBe(0);
    expect(pixelAt(pixels, 192, 96, 0)).toEqual(AZURE_BLUE);
    const background = pixelAt(pixels, 192, 96, 180);
    expect(background.a).toBe(255);
    expect(background.b).toBeGreaterThan(140);
    expect(background.r).toBeLessThan(30);
    let white = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i] === 255 && pixels[i + 1] === 255 && pixels[i + 2] === 255 && pixels[i + 3] === 255)
        white += 1;
    }
    expect(white).toBeGreaterThan(192 * 192 * 0.1);
  });

  it('the committed icons are exactly what scripts/drawIcons.ts draws', () => {
    const samePixels = (a: Buffer, b: Buffer) =>
      Buffer.from(readRgbaPixels(a)).equals(Buffer.from(readRgbaPixels(b)));
    expect(samePixels(drawColorIcon(), colorPng())).toBe(true);
    expect(samePixels(drawOutlineIcon(), outlinePng())).toBe(true);
  });
});
