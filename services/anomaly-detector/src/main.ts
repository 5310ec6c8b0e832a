import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '@chat-guard/bus';
import { gateEnded } from '@chat-guard/events';
import { baseEnv, runService, startPeriodic } from '@chat-guard/runtime';
import { redisKeys, swapGateState } from '@chat-guard/store';
import { DeliverPolicy } from '@nats-io/jetstream';
import { metrics } from '@opentelemetry/api';
import { z } from 'zod';
import { GuildWindows } from './feedWindows.ts';
import { followSignals } from './followSignals.ts';
import { LeaderLease } from './leaderLease.ts';
import { ResilientFeed } from './resilientFeed.ts';
import { ResponseDetector } from './responseDetector.ts';
import { tensorflowFallbackReason } from './tfBackend.ts';
import { loadTfScorer, policyFromMetadata } from './tfScorer.ts';

const env = baseEnv.extend({
  /** The model directory: model.json, weights.bin, metadata.json. */
  MODEL_DIR: z
    .string()
    .min(1)
    .default(fileURLToPath(new URL('../../../models/raid-detector', import.meta.url))),
  TICK_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /** How much join history a starting replica reads back: the baseline of each guild. */
  JOIN_LOOKBACK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(120),
  /** A replica that stops renewing the decider's lease loses it after this long. */
  LEADER_LEASE_MS: z.coerce.number().int().min(500).max(60_000).default(5_000),
});

/** How often the signal feeds are checked, and how long one may hold back waiting messages. */
const FEED_CHECK_INTERVAL_MS = 5_000;
const FEED_STALL_MS = 10_000;

const meter = metrics.getMeter('@chat-guard/anomaly-detector');
const tickDuration = meter.createHistogram('chatguard_detector_tick_duration_seconds', {
  description: 'Time to score every active guild and decide, per tick',
  unit: 's',
  advice: { explicitBucketBoundaries: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] },
});
const guildsScored = meter.createHistogram('chatguard_detector_guilds_scored', {
  description: 'Active guilds scored in one tick',
  advice: { explicitBucketBoundaries: [0, 10, 100, 1_000, 10_000, 100_000] },
});
const transitions = meter.createCounter('chatguard_detector_transitions_total', {
  description: 'Gates and lockdowns started and ended by the detector, by level and transition',
});
const leader = meter.createObservableGauge('chatguard_detector_leader', {
  description: '1 while this replica holds the lease and decides for every guild, else 0',
});

await runService({
  name: 'anomaly-detector',
  defaultHttpPort: 8084,
  env,
  needs: { redis: true },
  async start({ env, bus, redis, logger, onShutdown, addReadinessCheck }) {
    // A missing or corrupt model, or one built for another feature spec, stops the service
    // here, naming the file.
    const scorer = await loadTfScorer(env.MODEL_DIR);
    const policy = policyFromMetadata(scorer.metadata);
    logger.info(
      { modelDir: env.MODEL_DIR, backend: scorer.backend, featureVersion: scorer.featureVersion, policy },
      'raid model loaded',
    );
    const fallback = tensorflowFallbackReason();
    if (fallback)
      logger.warn({ reason: fallback }, '@tensorflow/tfjs-node is installed but failed to load; using wasm');
    const windows = new GuildWindows();
    const feed = new ResilientFeed({
      start: () =>
        followSignals(bus, (event) => windows.apply(event), {
          joinLookbackMs: env.JOIN_LOOKBACK_MINUTES * 60_000,
          discordLookbackMs: 10 * 60_000,
          now: Date.now,
          onError: (err) => logger.error({ err: err.message }, 'signal feed'),
        }),
      windows,
      stallMs: FEED_STALL_MS,
      onDead: (reason) => logger.error({ reason }, 'signal feed dead; not ready, rebuilding the windows'),
      onCaughtUp: () =>
        logger.info({ guilds: windows.guilds().length }, 'windows rebuilt from the signal history'),
    });
    await feed.start();
    const feedChecks = startPeriodic(
      FEED_CHECK_INTERVAL_MS,
      () => feed.check(),
      (err) => logger.error({ err: errorMessage(err) }, 'restarting the signal feeds failed; trying again'),
    );
    onShutdown(async () => {
      await feedChecks.stop();
      await feed.stop();
    });
    addReadinessCheck({ name: 'signals', check: () => feed.ready });

    const detector = new ResponseDetector({
      windows,
      score: (vectors) => scorer.score(vectors),
      policy,
      featureVersion: scorer.featureVersion,
      redis,
      now: Date.now,
      startGate: async (gate) => {
        await bus.publish('gate.started', gate);
        logger.warn(
          { guildId: gate.guildId, gateId: gate.gateId, score: gate.score, reasons: gate.reasons },
          'gate started: newcomers must verify',
        );
      },
      endGate: async (gate) => {
        await bus.publish('gate.ended', gate);
        logger.info({ guildId: gate.guildId, gateId: gate.gateId, reasons: gate.reasons }, 'gate ended');
      },
      requestLockdown: async (request) => {
        await bus.publish('lockdown.requested', request);
        logger.warn(
          {
            guildId: request.guildId,
            lockdownId: request.lockdownId,
            score: request.score,
            reasons: request.reasons,
          },
          'lockdown requested',
        );
      },
      liftLockdown: async (lift) => {
        await bus.publish('lockdown.lifted', lift);
        logger.info(
          { guildId: lift.guildId, lockdownId: lift.lockdownId, reasons: lift.reasons },
          'lockdown lifted',
        );
      },
      publishScore: async (scored) => {
        await bus.publish('raid.scored', scored);
      },
      onGuildError: (guildId, err) =>
        logger.error({ guildId, err: errorMessage(err) }, 'a guild’s step failed; retried next tick'),
    });
    // An admin's "End gate" arrives as gate.ended: the shared gate state ends with it, and joins
    // before it no longer count towards the next step.
    const adminEnds = await followAdminGateEnds(
      bus,
      async (ended) => {
        const done = await swapGateState(redis, ended.guildId, ended.gateId, {
          gateId: null,
          since: null,
          endedAt: ended.endedAt,
        });
        if (done)
          logger.info(
            { guildId: ended.guildId, gateId: ended.gateId, by: ended.endedBy },
            'gate ended by an admin',
          );
      },
      (err) => logger.error({ err: errorMessage(err) }, 'admin gate answers'),
    );
    onShutdown(() => adminEnds.close());
    const lease = new LeaderLease(redis, redisKeys.detectorLeader(), randomUUID(), env.LEADER_LEASE_MS);
    let leading = false;
    leader.addCallback((result) => result.observe(leading ? 1 : 0));
    const ticks = startPeriodic(
      env.TICK_INTERVAL_MS,
      async () => {
        if (!feed.ready) return; // deciding on half a picture could start a lockdown on history
        const lead = await lease.hold();
        if (lead !== leading)
          logger.info({ leading: lead }, lead ? 'deciding for every guild' : 'standing by');
        leading = lead;
        if (!lead) return;
        const started = performance.now();
        const report = await detector.tick();
        tickDuration.record((performance.now() - started) / 1000);
        guildsScored.record(report.scored);
        for (const t of report.transitions) {
          const [level, transition] = t.decision.split('.');
          transitions.add(1, { level, transition });
        }
        if (report.suppressed.length)
          logger.info({ guilds: report.suppressed }, 'a raid score held off by an admin’s false alarm');
      },
      (err) => logger.error({ err: errorMessage(err) }, 'detector tick failed'),
    );
    onShutdown(async () => {
      await ticks.stop();
      if (!leading) return;
      leading = false;
      // Another replica takes over within LEADER_LEASE_MS anyway; releasing only makes it sooner.
      await lease
        .release()
        .catch((err: unknown) =>
          logger.warn({ err: errorMessage(err) }, 'could not release the lease; it expires on its own'),
        );
    });
  },
});

/** Follows `gate.*.ended` from now on and hands on those an admin sent (not the detector's own). */
async function followAdminGateEnds(
  bus: Parameters<typeof followSignals>[0],
  handle: (ended: z.infer<typeof gateEnded.schema>) => Promise<void>,
  onError: (err: unknown) => void,
): Promise<{ close: () => Promise<void> }> {
  const consumer = await bus.js.consumers.get(bus.ns.stream('VERDICTS'), {
    filter_subjects: bus.ns.subject(gateEnded.filter),
    deliver_policy: DeliverPolicy.New,
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const msg of messages) {
      let parsed: ReturnType<typeof gateEnded.schema.safeParse>;
      try {
        parsed = gateEnded.schema.safeParse(msg.json());
      } catch (err) {
        onError(new Error(`a gate.ended message is not JSON: ${errorMessage(err)}`));
        continue;
      }
      if (!parsed.success) {
        onError(new Error(`a gate.ended message does not match its schema: ${parsed.error.message}`));
        continue;
      }
      if (parsed.data.endedBy === 'detector') continue;
      await handle(parsed.data).catch(onError);
    }
  })().catch(onError);
  return { close: () => messages.close().then(() => undefined) };
}
