import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import type { Spawned } from '../support/processes.ts';
import { type System, startSystem } from '../support/system.ts';
import { freePort, gateHarness, newSecret } from './gateHarness.ts';

// The member gate when things go wrong: a bot without Manage Roles, a verifier that is down.
// Settings are made with /gate, as an admin would.

let system: System;
let gate: ReturnType<typeof gateHarness>;
let verifier: Spawned;
let verifierEnv: NodeJS.ProcessEnv = {};
const guilds = { ok: '', noRoles: '' };

beforeAll(async () => {
  system = await startSystem({
    sandbox: { guilds: [{ members: 5 }, { members: 5, botLacks: ['ManageRoles'] }], seed: 29 },
  });
  const [ok, noRoles] = system.sandbox.guilds;
  if (!ok || !noRoles) throw new Error('two guilds expected');
  Object.assign(guilds, { ok, noRoles });
  await Promise.all([system.start('gateway'), system.start('log-writer')]);
  const port = await freePort();
  verifierEnv = {
    VERIFY_SECRET: newSecret(),
    WEB_PORT: String(port),
    WEB_HOST: '127.0.0.1',
    VERIFY_PUBLIC_URL: `http://127.0.0.1:${port}`,
    SWEEP_INTERVAL_MS: '300',
  };
  verifier = await system.start('verifier', verifierEnv);
  gate = gateHarness(system);
  for (const guildId of Object.values(guilds)) {
    await system.sandbox.inspect.waitFor({ kind: 'commands.overwritten', guildId }, 30_000);
    const view = system.sandbox.inspect.guild(guildId);
    await system.command(guildId, 'logchannel', { channel: view.channels['mod-log'] ?? '' });
    expect(await system.command(guildId, 'gate', { mode: 'always' }, 'mode')).toContain('**always**');
  }
}, 180_000);

afterAll(async () => {
  await gate?.close();
  await system?.stop();
});

describe('the member gate under trouble', () => {
  it('refuses a bad /gate setting with the reason, and changes nothing', async () => {
    const reply = await system.command(guilds.ok, 'gate', { pattern: '(unclosed' }, 'namepattern');
    expect(reply).toContain('must be a valid regular expression');
    expect(await system.command(guilds.ok, 'gate', {}, 'status')).toContain('Member gate: always');
  });

  it('tells the log channel and /gate status when the bot may not manage roles', async () => {
    const since = Date.now();
    const userId = gate.join(guilds.noRoles);
    const logChannel = system.sandbox.inspect.guild(guilds.noRoles).channels['mod-log'] ?? '';
    const told = () =>
      system.sandbox.inspect
        .actions({ kind: 'message.sent', guildId: guilds.noRoles, channelId: logChannel, since })
        .find((a) => String(a.data.content).includes('Manage Roles'));
    await waitFor(() => told() !== undefined, 'the message in the log channel', 20_000);
    const status = await system.command(guilds.noRoles, 'gate', {}, 'status');
    expect(status).toContain('Problem');
    expect(status).toContain('Manage Roles');
    // Nobody is left pending behind a gate that does not exist (to be kicked at the deadline).
    expect(await gate.verification(guilds.noRoles, userId)).toBeUndefined();
  });

  it('loses nobody while the verifier is down: the join waits, the member is gated and passes after', async () => {
    verifier.child.kill('SIGTERM');
    await verifier.exited;
    const userId = gate.join(guilds.ok);
    // Nothing can gate the newcomer now; the join waits in the stream.
    expect(await gate.verification(guilds.ok, userId)).toBeUndefined();
    verifier = await system.start('verifier', verifierEnv);
    const role = await gate.unverifiedRole(guilds.ok);
    await gate.waitForRole(
      guilds.ok,
      userId,
      role,
      true,
      'the newcomer to be gated once the verifier is back',
    );
    const setup = await gate.verifierGuild(guilds.ok);
    const channel = setup?.channel_id ?? '';
    const check = await gate.press(guilds.ok, userId, channel, setup?.message_id ?? '', 'verify:discord');
    expect(check.data.embeds).toHaveLength(1);
    const code = await gate.codeShownInDiscord(guilds.ok, userId);
    const opened = await gate.press(guilds.ok, userId, channel, check.messageId, 'verify:answer');
    const answer = await gate.submit(guilds.ok, opened.interaction.id, { digits: code });
    expect(answer.data.content).toBe('You are verified. Welcome!');
    await gate.waitForRole(guilds.ok, userId, role, false, 'the role to go');
    const status = await system.command(guilds.ok, 'gate', {}, 'status');
    expect(status).toMatch(/gated 1, passed 1, failed 0, expired 0/);
  }, 90_000);

  it('in rules mode gates only the newcomers the entry checks flag', async () => {
    expect(await system.command(guilds.ok, 'gate', { mode: 'rules' }, 'mode')).toContain('**rules**');
    expect(await system.command(guilds.ok, 'gate', { enabled: true }, 'defaultavatar')).toContain(
      'now flagged',
    );
    const plain = gate.join(guilds.ok, { avatar: null });
    const pictured = gate.join(guilds.ok, { avatar: 'f00d' });
    const status = async (userId: string) => {
      await waitFor(
        async () => (await gate.verification(guilds.ok, userId)) !== undefined,
        'the join',
        20_000,
      );
      return (await gate.verification(guilds.ok, userId))?.status;
    };
    expect(await status(plain)).toBe('pending');
    expect((await gate.verification(guilds.ok, plain))?.reasons).toEqual(['default-avatar']);
    expect(await status(pictured)).toBe('admitted');
  });

  it('lets a newcomer in and tells the admins when Discord will not give the Unverified role', async () => {
    const role = await gate.unverifiedRole(guilds.ok);
    const unverified = system.sandbox.state.guilds[guilds.ok]?.roles[role];
    if (!unverified) throw new Error('no Unverified role');
    unverified.position = 50; // above the bot's own role: Discord refuses to hand it out
    const since = Date.now();
    const userId = gate.join(guilds.ok, { avatar: null });
    await waitFor(
      async () => (await gate.verification(guilds.ok, userId))?.status === 'admitted',
      'the newcomer to be let in',
      20_000,
    );
    expect(gate.member(guilds.ok, userId)?.roles).not.toContain(role);
    const logChannel = system.sandbox.inspect.guild(guilds.ok).channels['mod-log'] ?? '';
    await waitFor(
      () =>
        system.sandbox.inspect
          .actions({ kind: 'message.sent', guildId: guilds.ok, channelId: logChannel, since })
          .some((a) => String(a.data.content).includes('could not gate')),
      'the admins to be told',
      20_000,
    );
  });
});
