import { inviteCode, randomHandle } from './ids.ts';
import type { Rng } from './rng.ts';
import type { Scene } from './scene.ts';

export type SpamKind =
  | 'same-line'
  | 'varied'
  | 'link'
  | 'invite'
  | 'everyone'
  | 'mentions'
  | 'harass'
  | 'scam'
  | 'wall';
export interface SpamMessage {
  readonly content: string;
  readonly mentionCount: number;
}

const KINDS: readonly SpamKind[] = [
  'same-line',
  'varied',
  'link',
  'invite',
  'everyone',
  'mentions',
  'harass',
  'scam',
  'wall',
];
const LINES = [
  'THIS SERVER IS GETTING RAIDED',
  'join the real server',
  'get raided lol',
  'your mods are sleeping',
  'server owned',
  '🤡🤡🤡',
  'we run this now',
  'imagine moderating',
  'LOL',
  'cope',
  'free robux',
  'first',
];
// Slurs and threats, masked: the generator marks where they go without spelling them out.
const HARASS = [
  'you are all f*****g trash',
  'k*s',
  'mods are [slur]s',
  '[slur] [slur] [slur]',
  'this server is a joke, [slur]',
];
const LINK_HOSTS = [
  'grabify.link',
  'iplogger.org',
  'bit.ly',
  'cutt.ly',
  'tinyurl.com',
  'screenshare.pics',
  'gore-vid.example',
];
const SCAM_HOSTS = [
  'dlscord-gift.com',
  'discord-nitro.gift',
  'discordc.gift',
  'steamcommunlty.com',
  'nitro-drop.xyz',
];

/**
 * A raid's spam: one to three kinds (same line, varied lines, links, invites to another server, @everyone,
 * mass mentions, harassment, a Nitro scam, text walls), with the raid's own line, link and server.
 */
export function spamWriter(scene: Scene, rng: Rng): (rng: Rng) => SpamMessage {
  const kinds = rng.shuffle([...KINDS]).slice(0, rng.int(1, 3));
  const line = rng.pick(LINES);
  const link = `https://${rng.pick(LINK_HOSTS)}/${randomHandle(rng, rng.int(5, 8))}`;
  const scam = `https://${rng.pick(SCAM_HOSTS)}/${randomHandle(rng, 10)}`;
  const server = `discord.gg/${inviteCode(rng)}`;
  const targets = scene.regulars.map((r) => r.userId);
  return (draw) => {
    switch (draw.pick(kinds)) {
      case 'same-line':
        return { content: line, mentionCount: 0 };
      case 'varied':
        return { content: `${draw.pick(LINES)} ${randomHandle(draw, draw.int(2, 6))}`, mentionCount: 0 };
      case 'link':
        return {
          content: draw.chance(0.5) ? link : `${draw.pick(['look', 'lmao', 'click', 'omg'])} ${link}`,
          mentionCount: 0,
        };
      case 'invite':
        return {
          content: draw.chance(0.5) ? `https://${server}` : `join ${server} ${line}`,
          mentionCount: 0,
        };
      case 'everyone':
        return { content: `${draw.pick(['@everyone', '@here'])} ${line}`, mentionCount: 0 };
      case 'mentions': {
        const pinged = Array.from({ length: draw.int(3, 25) }, () => draw.pick(targets));
        // Discord lists each mentioned user once, however often the message pings them.
        return { content: pinged.map((id) => `<@${id}>`).join(' '), mentionCount: new Set(pinged).size };
      }
      case 'harass':
        return { content: draw.pick(HARASS), mentionCount: 0 };
      case 'scam':
        return {
          content: `@everyone Free Discord Nitro for 3 months, claim before it ends: ${scam}`,
          mentionCount: 0,
        };
      case 'wall':
        return {
          content: draw.chance(0.5)
            ? `${line} `.repeat(draw.int(10, 60)).trim().slice(0, 2000)
            : '🤡'.repeat(draw.int(50, 400)),
          mentionCount: 0,
        };
    }
  };
}
