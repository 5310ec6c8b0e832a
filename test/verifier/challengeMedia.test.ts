import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { renderChallengeWav } from '../../services/verifier/src/challengeAudio.ts';
import { newChallengeCode, normaliseAnswer } from '../../services/verifier/src/challengeCode.ts';
import { renderChallengePng } from '../../services/verifier/src/challengeImage.ts';

/** A seeded generator, so the same picture can be drawn twice. */
const seeded = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('the challenge picture and its audio alternative', () => {
  it('draws a valid greyscale PNG whose pixels differ between codes', () => {
    const pixels = (code: string) => {
      const png = renderChallengePng(code, seeded(7));
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([220, 80]);
      const idatLength = png.readUInt32BE(33);
      expect(png.toString('ascii', 37, 41)).toBe('IDAT');
      return inflateSync(png.subarray(41, 41 + idatLength));
    };
    const a = pixels('1234');
    expect(a.length).toBe((220 + 1) * 80);
    expect(pixels('1234').equals(a)).toBe(true);
    expect(pixels('6543').equals(a)).toBe(false);
  });

  it('refuses a digit it has no glyph for', () => {
    expect(() => renderChallengePng('1239')).toThrow(RangeError);
  });

  it('says each digit as that many beeps', () => {
    const beeps = (code: string) => {
      const wav = renderChallengeWav(code);
      expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
      const samples = wav.subarray(44);
      // Count runs of sound separated by silence.
      let runs = 0;
      let loud = false;
      let quiet = 0;
      for (const s of samples) {
        if (Math.abs(s - 128) > 20) {
          if (!loud) runs++;
          loud = true;
          quiet = 0;
        } else if (++quiet > 200) loud = false;
      }
      return runs;
    };
    expect(beeps('1111')).toBe(4);
    expect(beeps('3216')).toBe(12);
  });

  it('makes codes of four digits from 1 to 6, and reads answers typed with spaces or dashes', () => {
    for (let i = 0; i < 50; i++) expect(newChallengeCode()).toMatch(/^[1-6]{4}$/);
    expect(normaliseAnswer(' 12-3 4 ')).toBe('1234');
  });
});
