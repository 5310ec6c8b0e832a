import type { Range } from './rng.ts';

/**
 * The ranges generator A draws each guild's organic world from, one guild at a time.
 * README.md lists them with their meaning; keep the two in step.
 */
export const GUILD = {
  /** Members at the start (log-uniform). */
  size: [100, 1_000_000] as Range,
  /** Joins a day per member (log-uniform): how public the guild is. Joins a day = size × this. */
  joinsPerMemberDay: [0.0004, 0.015] as Range,
  /** Cap on organic joins a day, to bound the events of the largest guilds. */
  maxJoinsPerDay: 8000,
  /** Busiest hour's joins over the quietest's (log-uniform). */
  peakToTrough: [1.5, 8] as Range,
  /** The main time zone (whole hours from UTC) and the local hour joins peak. */
  utcOffsetHours: [-10, 11] as Range,
  peakLocalHour: [16, 23.5] as Range,
  /** Weight of a second time zone 6 to 9 hours away. */
  secondZoneWeight: [0, 0.5] as Range,
  /** Chance of a vanity URL, from the smallest guild to the largest (linear in log size). */
  vanityChance: [0.03, 0.9] as Range,
  /** Share of joins through the vanity URL when there is one. */
  vanityShare: [0.3, 0.9] as Range,
  /** Permanent ("everyday") invites: how many; each gets a random weight. */
  everydayInvites: [1, 4] as Range,
  /** Share of the rest of the joins through short-lived invites members make for friends. */
  memberInviteShare: [0, 0.6] as Range,
  /** Mean friends who follow a member's invite within minutes (geometric). */
  friendsPerMemberInvite: [0, 1.5] as Range,
  /** How long before use a member makes an invite (log-uniform), and its lifetime choices. */
  memberInviteLeadMs: [30_000, 3 * 86_400_000] as Range,
  /** Share of joins the guild cannot attribute to an invite (inviteCode null). */
  unknownShare: [0, 0.3] as Range,
  /** Share of organic joiners whose account is under a day old, and their age (log-uniform). */
  youngShare: [0, 0.25] as Range,
  youngAgeMs: [60_000, 86_400_000] as Range,
  /** Share of the rest that is 1 to 60 days old (log-uniform); the others are 60 days to 2015. */
  recentShare: [0.05, 0.4] as Range,
  /** Skew of the older accounts' ages: age = 60 d + (up to 2015) × u^skew, so above 1 the audience is younger. */
  oldAgeSkew: [1, 3] as Range,
  /** Default-avatar chance for a brand-new and for an old account, and the decay in days between. */
  defaultAvatarNew: [0.5, 0.95] as Range,
  defaultAvatarOld: [0.1, 0.5] as Range,
  avatarDecayDays: [3, 90] as Range,
  /** Share of newcomers who greet, the share of those within seconds (2–30 s; else 30 s–15 min). */
  greetShare: [0, 0.45] as Range,
  greetFastShare: [0.4, 0.95] as Range,
  /** Share of newcomers who chat later (1 min–3 h after joining). */
  laterChatShare: [0, 0.3] as Range,
  /** Share of newcomers who leave, the share of those within minutes (1–60 min; else 1 h–3 days). */
  leaveShare: [0.02, 0.25] as Range,
  leaveSoonShare: [0.2, 0.8] as Range,
  /** Share of leavers who rejoin (5 min–12 h later). */
  rejoinShare: [0, 0.3] as Range,
  /** Long-standing members who leave, per organic join. */
  memberLeavesPerJoin: [0.1, 0.5] as Range,
  /** Long-standing members' chat per member-hour (log-uniform), capped a guild. */
  chatPerMemberHour: [0.0002, 0.01] as Range,
  maxChatPerHour: 300,
  /** Bots added a day (they join with no invite). */
  botsPerDay: [0, 0.3] as Range,
  /** Text channels newcomers and raiders write in. */
  channels: [1, 6] as Range,
  /** Hours between `guild` lines (log-uniform). */
  guildLineEveryHours: [1, 8] as Range,
} as const;

/** The ranges of the organic surges. Sizes scale with guild size^0.6 (log-uniform factor). */
export const SURGE = {
  shoutOutFactor: [0.5, 5] as Range,
  shoutOutRiseMs: [20_000, 300_000] as Range,
  shoutOutDecayMs: [300_000, 2_400_000] as Range,
  shoutOutInviteLeadMs: [30_000, 1_800_000] as Range,
  /** Shout-outs through the guild's own everyday invite or vanity URL instead of a fresh invite. */
  shoutOutStandingEntry: 0.2,
  shoutOutYoungShare: [0.2, 0.7] as Range,
  shoutOutGreetShare: [0.3, 0.8] as Range,
  /** Share of greeters who say the surge's one line ("hi", an emote) within the first minute. */
  sameLineShare: [0.4, 0.9] as Range,
  trendingMultiple: [3, 10] as Range,
  trendingHours: [2, 10] as Range,
  trendingRampMs: [900_000, 5_400_000] as Range,
  /** Floor under the normal hourly rate a trending surge multiplies, for tiny guilds. */
  trendingFloorPerHour: [1, 6] as Range,
  launchSpikeFactor: [0.3, 3] as Range,
  launchSpikeDecayMs: [600_000, 3_600_000] as Range,
  /** The announcement's spike peaks this long after the first join; the plateau falls over this share of the end. */
  launchRiseMs: [60_000, 600_000] as Range,
  launchFallShare: [0.1, 0.3] as Range,
  launchPlateauMultiple: [2, 5] as Range,
  launchHours: [2, 8] as Range,
  launchInvites: [5, 40] as Range,
  /** Extra share of day-old accounts in a trending or launch surge. */
  extraYoungShare: [0, 0.2] as Range,
  /** Share of surge joins through the guild's usual entries rather than the surge's own. */
  strayShare: [0.05, 0.2] as Range,
  maxJoins: 20_000,
} as const;
