import { setTimeout as sleep } from 'node:timers/promises';
import type { Sandbox } from '@chat-guard/sandbox';
import { clock, demoPlan, mergeByTime } from './demoPlan.ts';

const REPLY_TIMEOUT_MS = 60_000;
const BACKGROUND_MS = 30 * 60_000;

/** An admin of the guild runs a slash command in #general; resolves with the bot's reply. */
export async function adminCommand(
  sandbox: Sandbox,
  guildId: string,
  name: string,
  options: Record<string, string>,
  subcommand?: string,
): Promise<string> {
  const view = sandbox.inspect.guild(guildId);
  const channelId = view.channels.general;
  const userId = view.adminId ?? view.ownerId;
  if (!channelId) throw new Error(`guild ${guildId} has no #general to run /${name} in`);
  const since = Date.now();
  const interaction = sandbox.interactions.runSlashCommand({
    guildId,
    channelId,
    userId,
    name,
    options,
    ...(subcommand ? { subcommand } : {}),
  });
  const deadline = Date.now() + REPLY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const reply = sandbox.inspect
      .actions({ guildId, since })
      .find(
        (a) =>
          (a.kind === 'message.edited' || a.kind === 'interaction.responded') &&
          a.data.interactionId === interaction.id &&
          typeof a.data.content === 'string',
      );
    if (reply) return String(reply.data.content);
    await sleep(100);
  }
  throw new Error(
    `no reply to /${name}${subcommand ? ` ${subcommand}` : ''} in guild ${guildId} within 60 s`,
  );
}

/**
 * Sets every guild's log channel (#mod-log) and alert channel (#alerts) the way an admin
 * would, by slash command, so the demo's actions and lockdown alert are posted somewhere.
 */
export async function configureChannels(sandbox: Sandbox, write: (line: string) => void): Promise<void> {
  for (const guildId of sandbox.guilds) {
    const { channels } = sandbox.inspect.guild(guildId);
    const modLog = channels['mod-log'];
    const alerts = channels.alerts;
    if (!modLog || !alerts) throw new Error(`guild ${guildId} has no #mod-log or #alerts channel`);
    await adminCommand(sandbox, guildId, 'logchannel', { channel: modLog });
    await adminCommand(sandbox, guildId, 'lockdown', { channel: alerts }, 'alertchannel');
    write(`[demo] guild ${guildId}: actions go to #mod-log, lockdown alerts to #alerts`);
  }
}

export interface DemoOptions {
  readonly sandbox: Sandbox;
  readonly rate: number;
  readonly seed: number;
  readonly signal: AbortSignal;
  readonly write: (line: string) => void;
}

/**
 * Prints the timeline, then plays background chat with the demo's scripted moments for 30
 * minutes, and background chat alone after that, until `signal` aborts.
 */
export async function playDemo(options: DemoOptions): Promise<void> {
  const { sandbox, write } = options;
  const startMs = Date.now();
  const guilds = sandbox.guilds.map((guildId) => {
    const [traffic] = sandbox.traffic.guilds([guildId]);
    if (!traffic) throw new Error(`guild ${guildId} is not in the sandbox`);
    // The scripted poster is an ordinary member (staff are exempt from the guards).
    return { ...traffic, memberIds: sandbox.inspect.guild(guildId).memberIds };
  });
  const plan = demoPlan(guilds, startMs, options.seed);
  const number = (guildId: string) => sandbox.guilds.indexOf(guildId) + 1;
  write('[demo] what is coming (minutes:seconds from now):');
  for (const moment of plan.timeline) {
    const at = new Date(startMs + moment.atSec * 1000).toISOString().slice(11, 19);
    write(`[demo]   ${clock(moment.atSec)} (${at}) guild ${number(moment.guildId)}: ${moment.what}`);
  }
  let first = true;
  while (!options.signal.aborted) {
    const background = sandbox.traffic.generate({
      scenario: 'organic',
      durationMs: BACKGROUND_MS,
      rate: options.rate,
      ...(first ? { startMs } : {}),
    }).events;
    const events = first ? mergeByTime(background, plan.events) : background;
    first = false;
    await sandbox.traffic.play(events, { speed: 1, signal: options.signal });
  }
}
