import { verifyGuildChain } from '@chat-guard/log-writer';
import { UserActionRejectedError } from '@chat-guard/sandbox';
import { connectPostgres } from '@chat-guard/store';
import { type FaultSystem, services } from './faultSystem.ts';

/** One fault: what it does to the running system, and how long to wait for the system after it. */
export interface Fault {
  readonly name: string;
  inject(system: FaultSystem): Promise<void>;
  /** A join flood right after it: the raid detector must still see and score it. */
  readonly floodAfter?: boolean;
}

export interface FaultResult {
  readonly fault: string;
  readonly sent: number;
  readonly refused: number;
  readonly actions: number;
  readonly lost: number;
  readonly doubled: number;
  /** Joins posted, and how many the invite-tracker recorded (judged). */
  readonly joins: number;
  readonly joinsJudged: number;
  /** Events the services gave up on during this fault (the dead-letter stream's growth). */
  readonly deadLettered: number;
  /** From the end of the fault until the counting. */
  readonly drainedS: number;
  /** Services that died on their own during the fault (and were started again). */
  readonly crashes: number;
  readonly recoveryS: number | null;
  readonly auditOk: boolean;
  /**
   * With `floodAfter`: seconds from the flood's last join until the detector scored a minute
   * holding all of it, and the level it chose; null when it never did (the check failed).
   */
  readonly raid?: { readonly seenS: number; readonly level: string } | null;
}

/** The flood after a fault: 40 accounts made in one 20-minute batch, joining at 10 a second. */
const FLOOD_JOINS = 40;
/** How long the detector has to score the flood: it scores every guild each few seconds. */
const FLOOD_SEEN_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The faults, by name: each one at a time, against a steady load. */
export const FAULTS: readonly Fault[] = [
  ...services.map((s) => ({
    name: `kill -9 ${s.name}`,
    inject: (system: FaultSystem) => system.killAndRestart([s.name]),
  })),
  {
    name: 'kill -9 gateway + log-writer',
    inject: (system) => system.killAndRestart(['gateway', 'log-writer']),
  },
  {
    // Discord forgets the session meanwhile: the resume is refused and the channels are read back.
    name: 'kill -9 gateway (session expired)',
    inject: (system) =>
      system.killAndRestart(['gateway'], () => system.sandbox.faults.invalidateGatewaySessions()),
  },
  { name: 'NATS restart (5 s)', inject: (system) => system.deps.restartNats(5_000), floodAfter: true },
  { name: 'Redis restarted empty', inject: (system) => system.deps.restartRedisEmpty(), floodAfter: true },
  ...[30, 90].map((seconds) => ({
    name: `PostgreSQL down ${seconds} s`,
    inject: async (system: FaultSystem) => {
      await system.deps.stopPostgres();
      await sleep(seconds * 1_000);
      await system.deps.startPostgres();
    },
  })),
  {
    name: '429 storm (10 s)',
    inject: async (system) => {
      system.sandbox.faults.rateLimitStorm(0.5, { retryAfterMs: 1_000 });
      await sleep(10_000);
      system.sandbox.faults.clear();
    },
  },
  {
    name: '5xx after the effect (10 s)',
    inject: async (system) => {
      system.sandbox.faults.serverErrors(0.3, { afterEffect: true });
      await sleep(10_000);
      system.sandbox.faults.clear();
    },
  },
  {
    name: 'gateway disconnect and resume',
    inject: async (system) => {
      system.sandbox.faults.dropGatewayConnections();
      await sleep(2_000);
    },
  },
];

/** The short subset `npm test` runs. */
export const QUICK_FAULTS = ['kill -9 enforcer', '5xx after the effect (10 s)'];

/** How long a fault's backlog must stay empty before what was not acted on counts as lost. */
const QUIET_MS = 3_000;

/**
 * Runs one fault under load: a message with an invite link every 250 ms, a join every 4 s,
 * before, during and after it. Then it waits, at most `drainMs`, until every violation was acted
 * on or the system has nothing left to do (every consumer's backlog empty for 3 s), and only then
 * counts: a violation not acted on by then is lost, not late.
 */
export async function runFault(system: FaultSystem, fault: Fault, drainMs: number): Promise<FaultResult> {
  const { sandbox, guildId } = system;
  const view = sandbox.inspect.guild(guildId);
  const channel = view.channels.general ?? '';
  const members = view.memberIds;
  const posted = new Map<string, number>();
  const joined: string[] = [];
  let refused = 0;
  let n = 0;
  let loading = true;
  const deadBefore = await system.deadLettered();
  const crashesBefore = system.crashes;
  const load = (async () => {
    while (loading) {
      n += 1;
      const author = members[system.nextAuthor++ % members.length] ?? '';
      try {
        const message = sandbox.actions.postMessage({
          channelId: channel,
          userId: author,
          content: `join us at discord.gg/fault${n}x`,
        });
        posted.set(message.id, Date.now());
      } catch (err) {
        if (!(err instanceof UserActionRejectedError)) throw err;
        refused += 1; // timed out by an earlier violation: Discord would refuse it too
      }
      if (n % 16 === 0) joined.push(sandbox.users.addMember({ guildId }).user.id);
      await sleep(250);
    }
  })();
  const since = Date.now();
  await sleep(2_000);
  const raidWatch = fault.floodAfter ? await system.watchRaidScores() : null;
  await fault.inject(system);
  const cleared = Date.now();
  let floodEnded = 0;
  if (raidWatch) {
    const batch = Date.now() - 30 * 60_000;
    for (let i = 0; i < FLOOD_JOINS; i += 1) {
      const user = { username: `nova_drop${i}`, avatar: null, createdAt: batch + i * 30_000 };
      joined.push(sandbox.users.addMember({ guildId, user }).user.id);
      await sleep(100);
    }
    floodEnded = Date.now();
  }
  await sleep(3_000);
  loading = false;
  await load;
  // Deletions of this fault's messages only: a backlog left by an earlier fault is not ours.
  const deletions = () => {
    const counts = new Map<string, number>();
    const actions = [
      ...sandbox.inspect.actions({ kind: 'message.deleted', guildId, since }),
      ...sandbox.inspect.actions({ kind: 'messages.bulkDeleted', guildId, since }),
    ];
    for (const action of actions)
      for (const id of action.messageIds ?? []) if (posted.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  };
  const judgedJoins = () => system.joinsRecorded(joined);
  const deadline = Date.now() + drainMs;
  let quietSince: number | null = null;
  for (;;) {
    const done = deletions().size === posted.size && (await judgedJoins()).size === joined.length;
    if (done || Date.now() >= deadline) break;
    // Nothing waits in any consumer: what is still not acted on never will be.
    const waiting = await system.backlog().catch((err: unknown) => {
      system.report(`reading the consumers' backlog failed; waiting on: ${String(err)}`);
      return -1;
    });
    quietSince = waiting === 0 ? (quietSince ?? Date.now()) : null;
    if (quietSince !== null && Date.now() - quietSince >= QUIET_MS) break;
    await sleep(500);
  }
  await sleep(1_000); // room for a doubled action to show up
  const counts = deletions();
  const judged = await judgedJoins();
  const lost = [...posted.keys()].filter((id) => !counts.has(id)).length;
  const doubled = [...counts.values()].filter((c) => c > 1).length;
  const after = sandbox.inspect.actions({ kind: 'message.deleted', guildId, since: cleared });
  const bulkAfter = sandbox.inspect.actions({ kind: 'messages.bulkDeleted', guildId, since: cleared });
  const firstAfter = [...after, ...bulkAfter]
    .filter((a) => (a.messageIds ?? []).some((id) => (posted.get(id) ?? 0) >= cleared))
    .sort((a, b) => a.at - b.at)[0];
  const postgres = connectPostgres(system.deps.databaseUrl, {
    onError: (err) => system.report(`postgres (audit verify): ${err.message}`),
  });
  let auditOk = false;
  try {
    auditOk = (await verifyGuildChain(postgres.db, guildId)).problem === undefined;
  } finally {
    await postgres.close();
  }
  const raidScore = raidWatch ? await raidWatch.seen(FLOOD_JOINS, floodEnded, FLOOD_SEEN_MS) : undefined;
  const deadAfter = await system.deadLettered();
  for (const line of await system.deadLettersAfter(deadBefore)) system.report(`dead-lettered: ${line}`);
  return {
    fault: fault.name,
    sent: posted.size,
    refused,
    actions: [...counts.values()].reduce((a, b) => a + b, 0),
    lost,
    doubled,
    joins: joined.length,
    joinsJudged: judged.size,
    deadLettered: deadAfter - deadBefore,
    drainedS: Math.round((Date.now() - cleared) / 100) / 10,
    crashes: system.crashes - crashesBefore,
    recoveryS: firstAfter ? Math.round((firstAfter.at - cleared) / 100) / 10 : null,
    auditOk,
    ...(raidScore === undefined
      ? {}
      : {
          raid: raidScore
            ? {
                seenS: Math.max(0, Math.round((raidScore.scoredAt - floodEnded) / 100) / 10),
                level: raidScore.level,
              }
            : null,
        }),
  };
}
