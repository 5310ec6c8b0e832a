import { deflateSync } from 'node:zlib';

/** 5×7 bitmaps of the digits a challenge uses, one string per row. */
const GLYPHS: Record<string, readonly string[]> = {
  '1': ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  '2': ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  '3': ['11110', '00001', '00001', '01110', '00001', '00001', '11110'],
  '4': ['00010', '00110', '01010', '10010', '11111', '00010', '00010'],
  '5': ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  '6': ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
};

const WIDTH = 220;
const HEIGHT = 80;
const SCALE = 6;

/**
 * The code drawn as a greyscale PNG with jittered, slanted glyphs, noise and strike lines:
 * readable for a person, not text a script finds in the page. `random` is injected so a test
 * can draw the same picture twice.
 */
export function renderChallengePng(code: string, random: () => number = Math.random): Buffer {
  const pixels = new Uint8Array(WIDTH * HEIGHT).fill(255);
  const dot = (x: number, y: number, shade: number) => {
    if (x >= 0 && y >= 0 && x < WIDTH && y < HEIGHT) pixels[Math.floor(y) * WIDTH + Math.floor(x)] = shade;
  };
  for (let i = 0; i < 900; i++) dot(random() * WIDTH, random() * HEIGHT, 120 + Math.floor(random() * 100));
  [...code].forEach((digit, index) => {
    const glyph = GLYPHS[digit];
    if (!glyph) throw new RangeError(`no glyph for ${JSON.stringify(digit)}`);
    const left = 14 + index * 50 + random() * 10;
    const top = 12 + random() * 14;
    const slant = (random() - 0.5) * 0.5;
    const shade = Math.floor(random() * 60);
    glyph.forEach((row, gy) => {
      [...row].forEach((bit, gx) => {
        if (bit !== '1') return;
        for (let py = 0; py < SCALE; py++)
          for (let px = 0; px < SCALE; px++) {
            const y = top + gy * SCALE + py;
            dot(left + gx * SCALE + px + (y - top) * slant, y, shade);
          }
      });
    });
  });
  for (let line = 0; line < 3; line++) {
    const y0 = random() * HEIGHT;
    const y1 = random() * HEIGHT;
    for (let x = 0; x < WIDTH; x++) dot(x, y0 + ((y1 - y0) * x) / WIDTH, 90);
  }
  return encodeGreyPng(pixels, WIDTH, HEIGHT);
}

/** An 8-bit greyscale PNG: signature, IHDR, one IDAT, IEND. */
export function encodeGreyPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, adaptive filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
