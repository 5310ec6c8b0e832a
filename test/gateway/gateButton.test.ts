import { PermissionFlagsBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { decideGateClick, isGateButton } from '../../services/gateway/src/gateButton.ts';

const GUILD = '1100000000000000001';
const GATE = `${GUILD}-1764576000000`;
const { Administrator, ManageGuild, BanMembers, ModerateMembers } = PermissionFlagsBits;

describe('a click on a gate alert button', () => {
  it.each([
    ['an admin ends the gate', `gate:end:${GATE}`, Administrator, { kind: 'end', gateId: GATE }],
    ['Manage Server locks down', `gate:lockdown:${GATE}`, ManageGuild, { kind: 'lockdown', gateId: GATE }],
    ['a moderator without Manage Server', `gate:end:${GATE}`, BanMembers | ModerateMembers, /Manage Server/],
    ['another server’s gate', `gate:end:1100000000000000999-1764576000000`, Administrator, /another server/],
    ['an unknown answer', `gate:open:${GATE}`, Administrator, /not one Chat Guard understands/],
    ['no gate id', 'gate:end', Administrator, /not one Chat Guard understands/],
    ['a malformed gate id', 'gate:end:abc', Administrator, /not one Chat Guard understands/],
    ['something after the id', `gate:end:${GATE}:x`, Administrator, /not one Chat Guard understands/],
  ])('%s', (_what, customId, permissions, expected) => {
    const decision = decideGateClick({ guildId: GUILD, customId, memberPermissions: permissions });
    if (expected instanceof RegExp) {
      expect(decision.kind).toBe('refuse');
      expect(decision.kind === 'refuse' && decision.reply).toMatch(expected);
      expect(decision.kind === 'refuse' && decision.reply).toMatch(/[Nn]othing was done/);
    } else expect(decision).toEqual(expected);
  });

  it('routes only the two gate buttons, not other ids that start with "gate"', () => {
    expect(isGateButton(`gate:end:${GATE}`)).toBe(true);
    expect(isGateButton(`gate:lockdown:${GATE}`)).toBe(true);
    expect(isGateButton('gate:verify:123')).toBe(false);
    expect(isGateButton(`lockdown:extend:${GATE}`)).toBe(false);
  });
});
