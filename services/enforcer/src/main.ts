import type { Handlers } from '@chat-guard/bus';
import { createDiscordRest } from '@chat-guard/discord';
import { topology } from '@chat-guard/events';
import { GuildConfigCache } from '@chat-guard/guild-config';
import { discordEnv, runService, startPeriodic } from '@chat-guard/runtime';
import { z } from 'zod';
import { answerLockdown } from './answerLockdown.ts';
import { type AppealResult, decideAppeal, submitAppeal } from './appeals.ts';
import { editCaseReason } from './editCaseReason.ts';
import { type AuditPayload, enforceVerdict, type VerdictFollowUp } from './enforceVerdict.ts';
import { followUpVerdict } from './followUpVerdict.ts';
import { recordGateAlertMessage } from './gateRecords.ts';
import { type GateAlert, onGateEnded, onGateStarted } from './gateStep.ts';
import { GuildNames } from './guildNames.ts';
import { withHeartbeat } from './heartbeat.ts';
import { onLockdownLifted } from './liftLockdown.ts';
import { liftTimeout } from './liftTimeout.ts';
import { recordAlertMessage } from './lockdownRecords.ts';
import type { LockdownAlert } from './lockdownSteps.ts';
import { onLockdownRequested } from './manualLockdown.ts';
import { MessageDeletions } from './messageDeletions.ts';
import { moderate } from './moderate.ts';
import { renewInvitePauses } from './pauseInvites.ts';
import { LockdownReclaimer } from './reclaimLockdowns.ts';
import { ViolationBatches } from './violationBatches.ts';

/** How often the enforcer looks for invite pauses to renew (a pause lasts 24 hours at most). */
const RENEWAL_INTERVAL_MS = 5 * 60_000;

const env = discordEnv.extend({
  // A verdict waits for its deletion, batched per channel: many in hand make the batches.
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(256),
  // Follow-ups wait on the per-channel send limit while the cases of others are recorded.
  FOLLOWUP_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(256),
});

/** Handlers heartbeat three times per ack deadline, so a rate-limit wait keeps its message. */
const HEARTBEAT_MS = (topology.consumers.find((c) => c.durable === 'enforcer')?.ackWaitMs ?? 30_000) / 3;

await runService({
  name: 'enforcer',
  defaultHttpPort: 8085,
  env,
  needs: { postgres: true, redis: true },
  async start({ env, bus, postgres, redis, consume, onShutdown, logger }) {
    const configs = await GuildConfigCache.start(bus, (err) =>
      logger.error({ err: err.message }, 'configuration feed'),
    );
    onShutdown(() => configs.stop());
    const discord = createDiscordRest({ api: env.DISCORD_API_URL, token: env.DISCORD_TOKEN });
    const guildNames = new GuildNames(discord);
    const deps = {
      db: postgres.db,
      redis,
      discord,
      guildNames,
      memberDm: {
        send: async (userId: string, body: Parameters<typeof discord.sendDirectMessage>[1]) => {
          await discord.sendDirectMessage(userId, body);
        },
        guildName: (guildId: string) => guildNames.name(guildId),
      },
      config: (guildId: string) => configs.get(guildId),
      audit: async (entry: AuditPayload) => {
        await bus.publish('audit.recorded', entry);
      },
      alert: async (alert: LockdownAlert) => {
        await bus.publish('lockdown.alert', alert);
      },
      gateAlert: async (alert: GateAlert) => {
        await bus.publish('gate.alert', alert);
      },
      now: Date.now,
    };
    const verdictDeps = {
      deletions: new MessageDeletions(deps),
      followUp: async (followUp: VerdictFollowUp) => {
        await bus.publish('verdict.enforced', followUp);
      },
    };
    const followUpDeps = { ...deps, violations: new ViolationBatches(postgres.db) };
    // Every step may wait on Discord's rate limits: each handler keeps its message meanwhile.
    const handlers: Handlers = {
      'verdict.violation': (verdict) => enforceVerdict(verdictDeps, verdict),
      'admin.unmute': (request) => liftTimeout(deps, request),
      'lockdown.requested': (request) => onLockdownRequested(deps, request),
      'lockdown.lifted': (lift) => onLockdownLifted(deps, lift),
      'lockdown.answered': (answer) => answerLockdown(deps, answer),
      'gate.started': (gate) => onGateStarted(deps, gate),
      'gate.ended': (gate) => onGateEnded(deps, gate),
      'gate.alert_posted': (posted) => recordGateAlertMessage(deps.db, posted),
      'lockdown.alert_posted': (posted) => recordAlertMessage(deps.db, posted),
      'moderation.requested': async (request) => {
        const result = await moderate(deps, request);
        if (typeof result.reply === 'object')
          logger.warn(
            { guildId: request.guildId, caseNumber: result.caseNumber, err: result.reply.refused },
            'could not tell the moderator how their command went',
          );
      },
      'case.reason_edited': (edit) => editCaseReason(deps, edit),
      'appeal.submitted': async (appeal) => logAppeal(appeal, await submitAppeal(deps, appeal)),
      'appeal.decided': async (decision) => logAppeal(decision, await decideAppeal(deps, decision)),
    };
    await consume('enforcer', withHeartbeat(handlers, HEARTBEAT_MS));
    // A verdict is acknowledged once its deletion is done and its follow-ups are stored here.
    await consume(
      'enforcer-followups',
      withHeartbeat(
        { 'verdict.enforced': (followUp) => followUpVerdict(followUpDeps, followUp) },
        HEARTBEAT_MS,
      ),
      { concurrency: env.FOLLOWUP_CONCURRENCY },
    );

    function logAppeal(event: { guildId: string; caseNumber: number }, result: AppealResult): void {
      const about = { guildId: event.guildId, caseNumber: event.caseNumber };
      if (result.kind === 'refused') logger.info({ ...about, reason: result.reason }, 'appeal refused');
      else if (result.kind === 'ignored')
        logger.info({ ...about, reason: result.reason }, 'appeal decision ignored');
      else logger.info(about, `appeal ${result.kind}`);
    }

    const reclaimer = new LockdownReclaimer(deps.db, deps.redis);
    const renewal = startPeriodic(
      RENEWAL_INTERVAL_MS,
      async () => {
        const renewed = await renewInvitePauses(deps);
        if (renewed.length > 0) logger.info({ lockdowns: renewed }, 'invite pauses renewed');
        const reclaimed = await reclaimer.run();
        if (reclaimed.length > 0)
          logger.warn(
            { lockdowns: reclaimed },
            'lockdowns the detector had lost (Redis restarted?) handed back to it',
          );
      },
      (err) => logger.error({ err }, 'renewing invite pauses failed'),
    );
    onShutdown(() => renewal.stop());
  },
});
