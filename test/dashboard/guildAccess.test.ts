import { PermissionFlagsBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { canManage, type GuildView, memberPermissions } from '../../services/dashboard/src/guildAccess.ts';
import { auditCsv } from '../../services/dashboard/src/routes/auditRoutes.ts';
import { missingPermission } from '../../services/dashboard/src/routes/lockdownRoutes.ts';

const bits = (...flags: bigint[]) => flags.reduce((a, b) => a | b, 0n).toString();
const guild: GuildView = {
  id: '10',
  name: 'g',
  ownerId: '1',
  rolePermissions: {
    '10': bits(PermissionFlagsBits.SendMessages),
    '20': bits(PermissionFlagsBits.ManageGuild),
    '30': bits(PermissionFlagsBits.Administrator),
    '40': bits(PermissionFlagsBits.KickMembers),
  },
};

describe('who may manage a guild, as Discord computes it', () => {
  it.each([
    ['the owner, with no role', '1', [], true],
    ['a member with Manage Server', '2', ['20'], true],
    ['a member with Administrator', '3', ['30'], true],
    ['a member with other permissions only', '4', ['40'], false],
    ['a member with a role the guild no longer has', '5', ['99'], false],
    ['a member with no role', '6', [], false],
  ])('%s: %s', (_what, userId, roles, expected) => {
    expect(canManage(memberPermissions(guild, userId, roles))).toBe(expected);
  });
});

describe('lockdown answers from the dashboard', () => {
  it('asks for Ban or Kick Members to confirm a raid, as the alert’s buttons do', () => {
    const manager = BigInt(bits(PermissionFlagsBits.ManageGuild));
    expect(missingPermission('lift', manager)).toBeNull();
    expect(missingPermission('confirm-ban', manager)).toBe('Ban Members');
    expect(missingPermission('confirm-kick', manager | PermissionFlagsBits.KickMembers)).toBeNull();
    expect(missingPermission('confirm-ban', PermissionFlagsBits.Administrator)).toBeNull();
  });
});

describe('the audit export as CSV', () => {
  it('quotes every cell and defuses what a spreadsheet would run as a formula', () => {
    const csv = auditCsv([
      {
        guildId: '10',
        seq: 1,
        at: '2026-01-01T00:00:00.000Z',
        action: 'config.update',
        actorId: '2',
        targetId: null,
        reason: '=HYPERLINK("x") "quoted"',
        details: { changes: 'a → b' },
        idempotencyKey: 'k',
        prevHash: '0',
        hash: 'h',
      },
    ]);
    const [header, row] = csv.trim().split('\n');
    expect(header).toBe('seq,at,action,actorId,targetId,reason,details,prevHash,hash');
    expect(row).toContain('"\'=HYPERLINK(""x"") ""quoted"""');
    expect(row?.startsWith('"1","2026-01-01T00:00:00.000Z","config.update","2","",')).toBe(true);
  });
});
