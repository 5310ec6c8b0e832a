import { randomInt } from 'node:crypto';

/** Digits of a challenge: 1 to 6, so the audio alternative can say each as a count of beeps. */
export const CODE_DIGITS = '123456';
export const CODE_LENGTH = 4;

/** A fresh challenge code. */
export function newChallengeCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_DIGITS[randomInt(CODE_DIGITS.length)];
  return code;
}

/** The answer as typed: spaces and dashes dropped (people group digits). */
export function normaliseAnswer(answer: string): string {
  return answer.replace(/[\s-]/g, '');
}
