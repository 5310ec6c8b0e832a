/** Ordinary chat for the benchmark: the kind of lines most messages are. */
const CLEAN = [
  'anyone up for a match tonight?',
  'lol that was close',
  'check the pinned message for the schedule',
  'gg everyone, see you tomorrow',
  'does anyone know when the update drops',
  'I think the boss fight needs a healer',
  'thanks for the help earlier!',
  'brb getting coffee',
  'the new map looks great honestly',
  'who is streaming later?',
  'morning all',
  'that patch note about crafting is huge',
  'can someone explain the ranking system',
  'screenshots from last night are in media',
  'I am so bad at this level',
  'new record on the speedrun!',
  'what time is the event on saturday',
  'haha same',
  'is the server down for anyone else',
  'good luck in the tournament',
];

/** Messages that break a rule, one guard after another. */
const VIOLATING = [
  'free nitro here discord.gg/fr33st4ff',
  'you are a fucking idiot',
  'join discord.com/invite/raidhub now',
];

/**
 * The n-th benchmark message, from the author who posts every `authors`-th message:
 * `violatingPerHundred` of every hundred break a rule. An author's successive lines differ,
 * as people's do, so clean chat is not mistaken for repeated spam.
 */
export function benchContent(
  n: number,
  authors: number,
  violatingPerHundred: number,
): { content: string; violating: boolean } {
  const violating = n % 100 < violatingPerHundred;
  const list = violating ? VIOLATING : CLEAN;
  return { content: list[Math.floor(n / authors) % list.length] ?? '', violating };
}

/** What every account of the spam wave posts: an invite to another server, as raids do. */
export const WAVE_CONTENT = 'free nitro for everyone who joins discord.gg/fr33st4ff';
