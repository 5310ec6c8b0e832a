import type { Rng } from './rng.ts';

/** What newcomers say first; in a shout-out many say the same one. */
export const GREETINGS = (
  'hi|hello|hey|hii|hiii|hey guys|hello!|hi everyone|yo|sup|hey all 👋|👋|hola|привет|bonjour|hallo|oi|' +
  'hello there|heyy|gm|o7|:wave:|hi :)|new here!|hey whats up'
).split('|');
/** What a shout-out's audience says together: the streamer's emote or a line about the stream. */
export const SHOUT_OUT_LINES = 'hi|hii|o7|KEKW|PogChamp|:wave:|👋|hi from the stream|stream sent me|W'.split(
  '|',
);
const CHAT = (
  'is the tournament still on this weekend?|lmao no way|morning all|did the servers go down for anyone else?|' +
  'back in 5|that clip is insane|how do I link my account?|ggs|nice one|when does the next season start?|' +
  'pretty sure that got patched|welcome in|fair enough|same tbh|can I run it on a mac?|ty!|' +
  'finally beat that boss|anyone streaming tonight?|how do I get roles?|where do I verify?|is there a faq?|' +
  'this server is cool|anyone from europe?|what are the rules for posting art?|ok brb dinner'
).split('|');

/** A line of ordinary chat. */
export function chatLine(rng: Rng): string {
  return rng.pick(CHAT);
}
