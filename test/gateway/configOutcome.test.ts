import { connectBus, type EventBus } from '@chat-guard/bus';
import { defaultGuildConfig, topology } from '@chat-guard/events';
import { announcePending, guildsWithPendingAnnouncements, loadGuildConfig } from '@chat-guard/guild-config';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCommand } from '../../services/gateway/src/commands/runCommand.ts';
import { uniqueNamespace } from '../support/bus.ts';
import { migratedDatabase } from '../support/postgres.ts';
import { startPrivateNats } from '../support/privateNats.ts';

const GUILD = '1100000000000000001';
let nats: Awaited<ReturnType<typeof startPrivateNats>>;
let database: Awaited<ReturnType<typeof migratedDatabase>>;
let bus: EventBus;
beforeAll(async () => {
  nats = await startPrivateNats();
  database = await migratedDatabase();
  bus = await connectBus({ servers: nats.url, name: 'gateway', namespace: uniqueNamespace(), topology });
  await bus.provision();
});
afterAll(async () => {
  await bus.nc.close();
  await database.close();
  await nats.stop();
});

const unused = async (): Promise<never> => {
  throw new Error('not called');
};
let interaction = 1_400_000_000_000_000_000n;
function muteduration(minutes: number) {
  interaction += 1n;
  return runCommand(
    {
      db: database.db,
      bus,
      configs: { get: () => defaultGuildConfig() },
      discord: { createInvite: unused, deleteInvite: unused, listChannels: unused },
      now: () => 1_732_000_000_000,
    },
    {
      guildId: GUILD,
      interactionId: interaction.toString(),
      name: 'muteduration',
      subcommand: null,
      options: { minutes },
      userId: '1300000000000000007',
      memberPermissions: 8n,
    },
  );
}

async function newestInStream(stream: string, subject: string) {
  const stored = await bus.jsm.streams.getMessage(bus.ns.stream(stream), {
    last_by_subj: bus.ns.subject(subject),
  });
  return stored?.json<Record<string, unknown>>();
}

it('tells the truth about a change saved while NATS is down, and announces and audits it once NATS is back', async () => {
  expect(await muteduration(45)).toBe('Timeouts now last 45 minutes.');
  expect(await muteduration(46)).toBe('Timeouts now last 46 minutes.');

  await nats.kill();
  const reply = await muteduration(33);
  expect(reply).toMatch(/Saved as revision 3\. The other services could not be told yet/);
  expect(reply).not.toMatch(/nothing was changed/i);
  const stored = await loadGuildConfig(database.db, GUILD);
  expect(stored).toMatchObject({ revision: 3, config: { muteDurationMinute: 33 } });
  expect(await guildsWithPendingAnnouncements(database.db)).toEqual([GUILD]);

  await nats.start();
  // What the gateway's sweep does every few seconds, until NATS answers.
  for (let attempt = 0; ; attempt++) {
    try {
      await announcePending(database.db, bus, GUILD);
      break;
    } catch (err) {
      if (attempt > 40) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  expect(await newestInStream('CONFIG', `config.${GUILD}.changed`)).toMatchObject({
    revision: 3,
    config: { muteDurationMinute: 33 },
  });
  expect(await newestInStream('AUDIT', `audit.${GUILD}.recorded`)).toMatchObject({
    action: 'config.update',
    idempotencyKey: `config:${GUILD}:3`,
    details: { revision: 3 },
  });
  expect(await guildsWithPendingAnnouncements(database.db)).toEqual([]);
}, 60_000);
