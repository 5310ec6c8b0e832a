import { type EntryFlag, type GateSettings, snowflakeTimestamp } from '@chat-guard/events';

const DAY_MS = 24 * 60 * 60_000;

/** A newcomer as the entry checks see them. */
export interface Newcomer {
  readonly userId: string;
  readonly username: string;
  readonly globalName: string | null;
  readonly avatar: string | null;
  readonly joinedAt: number;
}

export interface GatingContext {
  /** The raid detector's gate holds in this guild. */
  readonly raidGateActive: boolean;
  /** The account was gated in a raid or failed the gate in some guild of this deployment. */
  readonly seenInRaid: boolean;
}

export interface GatingDecision {
  readonly gated: boolean;
  /** Why, or what the entry checks flagged when not gated. */
  readonly reasons: EntryFlag[];
}

/** What the entry checks flag about a newcomer. */
export function entryFlags(gate: GateSettings, member: Newcomer, context: GatingContext): EntryFlag[] {
  const checks = gate.entryChecks;
  const flags: EntryFlag[] = [];
  const ageMs = member.joinedAt - snowflakeTimestamp(member.userId);
  if (checks.minAccountAgeDays > 0 && ageMs < checks.minAccountAgeDays * DAY_MS) flags.push('account-age');
  if (checks.defaultAvatar && member.avatar === null) flags.push('default-avatar');
  const names = [member.username, member.globalName ?? ''];
  if (checks.namePatterns.some((p) => names.some((n) => n !== '' && new RegExp(p, 'iu').test(n))))
    flags.push('name-pattern');
  if (checks.seenInRaid && context.seenInRaid) flags.push('seen-in-raid');
  return flags;
}

/** Whether a newcomer must pass the gate, by the guild's mode, the raid gate and the entry checks. */
export function decideGating(gate: GateSettings, member: Newcomer, context: GatingContext): GatingDecision {
  const flags = entryFlags(gate, member, context);
  switch (gate.mode) {
    case 'off':
      return { gated: false, reasons: flags };
    case 'always':
      return { gated: true, reasons: ['always', ...flags] };
    case 'on-alert':
      return context.raidGateActive
        ? { gated: true, reasons: ['raid-gate', ...flags] }
        : { gated: false, reasons: flags };
    case 'rules':
      return { gated: flags.length > 0, reasons: flags };
  }
}
