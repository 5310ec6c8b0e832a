// The capacity model: figures in, sizes out. Pure, so a test can vary a figure and see the
// sizes follow. capacity.ts prints it as deploy/CAPACITY.md.

export interface Figure {
  readonly value: number;
  readonly source: string;
}

export interface Figures {
  readonly $comment?: string;
  readonly scale: Record<'members' | 'guilds' | 'weekendJoins' | 'weekendHours', Figure>;
  readonly traffic: Record<
    | 'messagesPerMemberPerDay'
    | 'editShare'
    | 'deleteShare'
    | 'violationShare'
    | 'memberUpdatesPerMemberPerDay'
    | 'joinsPerMemberPerDay'
    | 'leavesPerJoin'
    | 'peakToMean'
    | 'weekendPeakToMean'
    | 'eventBytes'
    | 'auditRowBytes'
    | 'joinRowBytes'
    | 'auditRowsPerViolation'
    | 'restCallsPerViolation'
    | 'inviteListsPerJoin',
    Figure
  >;
  readonly cpu: Record<
    | 'gatewayMsPerEvent'
    | 'contentFilterMsPerMessage'
    | 'enforcerMsPerVerdict'
    | 'logWriterMsPerAudit'
    | 'inviteTrackerMsPerJoin'
    | 'detectorMsPerJoin'
    | 'detectorMsPerTickPer1000Guilds'
    | 'replicaCpuRequest'
    | 'targetUtilisation',
    Figure
  >;
  readonly discord: Record<
    | 'guildsPerShardRecommended'
    | 'guildsPerShardMax'
    | 'identifyIntervalSeconds'
    | 'globalRequestsPerSecond'
    | 'invalidRequestsPer10Minutes',
    Figure
  >;
  readonly retention: Record<'discordStreamHours' | 'auditStreamDays' | 'streamReplicas', Figure>;
}

/** Events per second of one kind: the day's mean, the day's peak, the join weekend's peak. */
export interface Rate {
  readonly event: string;
  readonly mean: number;
  readonly peak: number;
  readonly weekendPeak: number;
}

export interface ServiceSize {
  readonly service: string;
  /** CPU cores the service uses at the weekend's peak. */
  readonly cores: number;
  readonly replicas: number;
  readonly basis: string;
}

export interface Capacity {
  readonly rates: readonly Rate[];
  readonly shards: number;
  readonly gatewayPods: number;
  readonly identifySeconds: number;
  readonly services: readonly ServiceSize[];
  readonly restPerSecond: number;
  readonly nats: { readonly publishPerSecond: number; readonly streamBytesPerServer: number };
  readonly postgres: { readonly writesPerSecond: number; readonly growthBytesPerMonth: number };
  readonly redis: { readonly opsPerSecond: number };
}

const DAY = 86_400;
const MIN_REPLICAS = 2; // a replica may be restarted or moved at any time

/** Sizes Chat Guard for the figures' community at its busiest. */
export function capacityModel(f: Figures): Capacity {
  const v = <K extends string>(group: Record<K, Figure>, key: K) => group[key].value;
  const members = v(f.scale, 'members');
  const peak = v(f.traffic, 'peakToMean');
  const messages = (members * v(f.traffic, 'messagesPerMemberPerDay')) / DAY;
  const ordinaryJoins = (members * v(f.traffic, 'joinsPerMemberPerDay')) / DAY;
  const weekendJoins = v(f.scale, 'weekendJoins') / (v(f.scale, 'weekendHours') * 3600);
  const weekendJoinPeak = weekendJoins * v(f.traffic, 'weekendPeakToMean');
  const rate = (event: string, mean: number, weekendPeak = mean * peak): Rate => ({
    event,
    mean,
    peak: mean * peak,
    weekendPeak: Math.max(weekendPeak, mean * peak),
  });
  const leaves = v(f.traffic, 'leavesPerJoin');
  const rates: Rate[] = [
    rate('message.created', messages),
    rate('message.updated', messages * v(f.traffic, 'editShare')),
    rate('message.deleted', messages * v(f.traffic, 'deleteShare')),
    rate('member.updated', (members * v(f.traffic, 'memberUpdatesPerMemberPerDay')) / DAY),
    rate('member.joined', ordinaryJoins, weekendJoinPeak),
    rate('member.left', ordinaryJoins, weekendJoinPeak * leaves),
    rate('verdict.violation', messages * v(f.traffic, 'violationShare')),
  ];
  const at = (event: string) => rates.find((r) => r.event === event)?.weekendPeak ?? 0;
  const discordEvents = rates
    .filter((r) => r.event !== 'verdict.violation')
    .reduce((s, r) => s + r.weekendPeak, 0);
  const judged = at('message.created') + at('message.updated');
  const joinsAndLeaves = at('member.joined') + at('member.left');
  const verdicts = at('verdict.violation');
  const audits = verdicts * v(f.traffic, 'auditRowsPerViolation');

  const guilds = v(f.scale, 'guilds');
  const perReplica = v(f.cpu, 'replicaCpuRequest') * v(f.cpu, 'targetUtilisation');
  const size = (service: string, cores: number, basis: string, minimum = MIN_REPLICAS): ServiceSize => ({
    service,
    cores,
    replicas: Math.max(minimum, Math.ceil(cores / perReplica)),
    basis,
  });
  const gatewayCores = (discordEvents * v(f.cpu, 'gatewayMsPerEvent')) / 1000;
  const recommendedShards = Math.ceil(guilds / v(f.discord, 'guildsPerShardRecommended'));
  const gatewayPods = Math.max(MIN_REPLICAS, Math.ceil(gatewayCores / perReplica));
  // Every pod gets the same number of shards, and no shard more guilds than Discord allows.
  const shards = Math.ceil(Math.max(recommendedShards, gatewayPods) / gatewayPods) * gatewayPods;
  const detectorTick = (guilds / 1000) * v(f.cpu, 'detectorMsPerTickPer1000Guilds');
  const services: ServiceSize[] = [
    size('gateway', gatewayCores, 'every Discord event, once', gatewayPods),
    size(
      'content-filter',
      (judged * v(f.cpu, 'contentFilterMsPerMessage')) / 1000,
      'messages created and edited',
    ),
    size('invite-tracker', (joinsAndLeaves * v(f.cpu, 'inviteTrackerMsPerJoin')) / 1000, 'joins and leaves'),
    size(
      'anomaly-detector',
      (joinsAndLeaves * v(f.cpu, 'detectorMsPerJoin') + detectorTick) / 1000,
      'every replica folds every join; the leader scores every guild once a second',
    ),
    size('enforcer', (verdicts * v(f.cpu, 'enforcerMsPerVerdict')) / 1000, 'verdicts'),
    size('log-writer', (audits * v(f.cpu, 'logWriterMsPerAudit')) / 1000, 'audit entries'),
  ];

  const restPerSecond =
    verdicts * v(f.traffic, 'restCallsPerViolation') +
    at('member.joined') * v(f.traffic, 'inviteListsPerJoin');
  const published = discordEvents + verdicts + at('member.joined') + audits;
  const bytes = v(f.traffic, 'eventBytes');
  const meanViolations = messages * v(f.traffic, 'violationShare');
  const meanDiscord = rates.filter((r) => r.event !== 'verdict.violation').reduce((s, r) => s + r.mean, 0);
  const streamBytes =
    meanDiscord * bytes * v(f.retention, 'discordStreamHours') * 3600 +
    meanViolations * v(f.traffic, 'auditRowsPerViolation') * bytes * v(f.retention, 'auditStreamDays') * DAY;
  const month = 30 * DAY;
  // Ordinary days, plus one join weekend a month.
  const joinRowsPerMonth = (ordinaryJoins * month + v(f.scale, 'weekendJoins')) * (1 + leaves);
  const auditRowsPerMonth = meanViolations * v(f.traffic, 'auditRowsPerViolation') * month;
  return {
    rates,
    shards,
    gatewayPods,
    identifySeconds: (shards / gatewayPods) * v(f.discord, 'identifyIntervalSeconds'),
    services,
    restPerSecond,
    nats: { publishPerSecond: published, streamBytesPerServer: streamBytes },
    postgres: {
      // A verdict writes the action ledger and the violation count; each audit entry and each join a row.
      writesPerSecond: verdicts * 2 + audits + joinsAndLeaves,
      growthBytesPerMonth:
        auditRowsPerMonth * v(f.traffic, 'auditRowBytes') + joinRowsPerMonth * v(f.traffic, 'joinRowBytes'),
    },
    // One spam-window script per message; invite snapshots per join; the lease and lockdown records.
    redis: { opsPerSecond: judged + joinsAndLeaves * 3 + 2 },
  };
}
