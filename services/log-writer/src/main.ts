import { createDiscordRest } from '@chat-guard/discord';
import type { EventPayload } from '@chat-guard/events';
import { GuildConfigCache } from '@chat-guard/guild-config';
import { outboundEnvShape, outboundPolicy } from '@chat-guard/outbound';
import { discordEnv, runService, startPeriodic } from '@chat-guard/runtime';
import { metrics } from '@opentelemetry/api';
import { z } from 'zod';
import { applyRetention } from './applyRetention.ts';
import { AuditBatches } from './auditBatches.ts';
import { AuditVerifier } from './auditVerifier.ts';
import { flushLogOutbox } from './flushLogOutbox.ts';
import { postGateAlert } from './postGateAlert.ts';
import { postLockdownAlert } from './postLockdownAlert.ts';

const env = discordEnv.extend({
  // Audit events of a guild wait for its chain's transaction: many in hand make big batches.
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(256),
  LOG_FLUSH_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).default(3_600_000),
  /** Signs the lockdown alerts POSTed to guilds' webhooks; without it no webhook is called. */
  ALERT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  ALERT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  ...outboundEnvShape,
  /** How often the audit chains are verified (the entries written since the last time). */
  AUDIT_VERIFY_INTERVAL_MS: z.coerce.number().int().min(1_000).default(300_000),
  /** How often the verification walks every chain from its anchor instead. */
  AUDIT_FULL_VERIFY_INTERVAL_MS: z.coerce.number().int().min(1_000).default(86_400_000),
});

const meter = metrics.getMeter('@chat-guard/log-writer');
const brokenChains = meter.createObservableGauge('chatguard_audit_chains_broken', {
  description: 'Guild audit chains the latest verification found changed, removed or reordered',
});
const verifiedAt = meter.createObservableGauge('chatguard_audit_verified_timestamp_seconds', {
  description: 'When the audit chains were last verified to the end (Unix seconds)',
  unit: 's',
});
const entriesVerified = meter.createCounter('chatguard_audit_entries_verified_total', {
  description: 'Audit entries whose hash and link were checked',
});

await runService({
  name: 'log-writer',
  defaultHttpPort: 8086,
  env,
  needs: { postgres: true },
  async start({ env, bus, postgres, consume, onShutdown, logger }) {
    const configs = await GuildConfigCache.start(bus, (err) =>
      logger.error({ err: err.message }, 'configuration feed'),
    );
    onShutdown(() => configs.stop());
    const discord = createDiscordRest({ api: env.DISCORD_API_URL, token: env.DISCORD_TOKEN });

    const alertDeps = {
      db: postgres.db,
      discord,
      config: (guildId: string) => configs.get(guildId),
      webhookSecret: env.ALERT_WEBHOOK_SECRET ?? null,
      webhookTimeoutMs: env.ALERT_WEBHOOK_TIMEOUT_MS,
      webhookPolicy: outboundPolicy(env),
      announcePosted: async (posted: EventPayload<'lockdown.alert_posted'>) => {
        await bus.publish('lockdown.alert_posted', posted);
      },
      now: Date.now,
    };
    if (alertDeps.webhookSecret === null)
      logger.warn('ALERT_WEBHOOK_SECRET is not set: lockdown and gate alerts will not be sent to webhooks');

    const audits = new AuditBatches(postgres.db);
    await consume('log-writer', {
      'audit.recorded': async (event) => {
        // A configuration change comes in on AUDIT and CONFIG at once; its own embed goes to
        // the log channel it may have just set, so read it with that change applied.
        const revision = event.action === 'config.update' ? event.details.revision : undefined;
        if (typeof revision === 'number') await configs.reached(event.guildId, revision, 5_000);
        await audits.record(event, configs.get(event.guildId).punishLogChannelId);
      },
      'lockdown.alert': async (alert) => {
        const report = await postLockdownAlert(alertDeps, alert);
        const about = { guildId: alert.guildId, lockdownId: alert.lockdownId, kind: alert.kind };
        if (report.channel === 'no-channel')
          logger.warn(about, 'no alert channel or log channel is set; the lockdown alert was not posted');
        if (report.webhook === 'no-secret')
          logger.error(about, 'the guild has an alert webhook but ALERT_WEBHOOK_SECRET is not set; not sent');
        for (const problem of report.problems) logger.warn({ ...about, problem }, 'lockdown alert refused');
      },
      'gate.alert': async (alert) => {
        const announcePosted = async (posted: EventPayload<'gate.alert_posted'>) => {
          await bus.publish('gate.alert_posted', posted);
        };
        const report = await postGateAlert({ ...alertDeps, announcePosted }, alert);
        const about = { guildId: alert.guildId, gateId: alert.gateId, kind: alert.kind };
        if (report.channel === 'no-channel')
          logger.warn(about, 'no alert channel or log channel is set; the gate alert was not posted');
        if (report.webhook === 'no-secret')
          logger.error(about, 'the guild has an alert webhook but ALERT_WEBHOOK_SECRET is not set; not sent');
        for (const problem of report.problems) logger.warn({ ...about, problem }, 'gate alert refused');
      },
    });

    const flusher = startPeriodic(
      env.LOG_FLUSH_INTERVAL_MS,
      async () => {
        const report = await flushLogOutbox(postgres.db, discord);
        for (const drop of report.dropped) logger.warn(drop, 'log channel refused the embeds; dropped');
        if (report.deferred > 0)
          logger.warn({ deferred: report.deferred }, 'log embeds deferred for a retry');
      },
      (err) => logger.error({ err }, 'posting log embeds failed'),
    );
    onShutdown(() => flusher.stop());

    const retention = startPeriodic(
      env.RETENTION_INTERVAL_MS,
      async () => {
        const pruned = await applyRetention(postgres.db, (g) => configs.get(g).logRetentionDays, new Date());
        if (pruned > 0) logger.info({ pruned }, 'audit entries pruned by retention');
      },
      (err) => logger.error({ err }, 'audit retention failed'),
    );
    onShutdown(() => retention.stop());

    const verifier = new AuditVerifier(postgres.db, env.AUDIT_FULL_VERIFY_INTERVAL_MS);
    let lastVerified: number | undefined;
    brokenChains.addCallback((result) => {
      if (lastVerified !== undefined) result.observe(verifier.brokenChains);
    });
    verifiedAt.addCallback((result) => {
      if (lastVerified !== undefined) result.observe(lastVerified / 1000);
    });
    const verification = startPeriodic(
      env.AUDIT_VERIFY_INTERVAL_MS,
      async () => {
        const run = await verifier.run(Date.now());
        lastVerified = Date.now();
        entriesVerified.add(run.checked, { walk: run.full ? 'full' : 'new' });
        for (const { guildId, problem } of run.broken)
          logger.error({ guildId, problem }, 'audit chain broken: run `chat-guard audit verify` for details');
      },
      (err) => logger.error({ err }, 'audit verification failed'),
    );
    onShutdown(() => verification.stop());
  },
});
