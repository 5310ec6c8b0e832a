const RATE = 8000;
const BEEP_S = 0.18;
const GAP_S = 0.17;
const PAUSE_S = 1.1;

/**
 * The accessible alternative to the picture: the same code as a WAV in which each digit is a
 * group of beeps (three beeps, a pause, one beep… for "31…"). No speech engine is needed and
 * nothing about the code is in the page's text.
 */
export function renderChallengeWav(code: string): Buffer {
  const samples: number[] = [];
  const silence = (seconds: number) => {
    for (let i = 0; i < seconds * RATE; i++) samples.push(128);
  };
  const beep = () => {
    for (let i = 0; i < BEEP_S * RATE; i++) {
      const fade = Math.min(1, i / 80, (BEEP_S * RATE - i) / 80);
      samples.push(128 + Math.round(90 * fade * Math.sin((2 * Math.PI * 660 * i) / RATE)));
    }
  };
  silence(0.5);
  for (const digit of code) {
    const count = Number(digit);
    if (!Number.isInteger(count) || count < 1 || count > 9) throw new RangeError(`cannot beep ${digit}`);
    for (let b = 0; b < count; b++) {
      beep();
      silence(GAP_S);
    }
    silence(PAUSE_S);
  }
  const data = Buffer.from(samples);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE, 28); // bytes per second at 8 bits mono
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
