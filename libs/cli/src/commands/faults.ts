import { type Command, UsageError } from '../command.ts';
import { FAULTS, type FaultResult, QUICK_FAULTS, runFault } from '../faults/faultRun.ts';
import { FaultSystem } from '../faults/faultSystem.ts';
import { startPrivateDeps } from '../faults/privateDeps.ts';

export const faultsCommand: Command = {
  name: 'faults',
  summary: 'Run the whole system under load, inject faults one at a time, and count what was lost or doubled',
  options: {
    quick: { type: 'boolean', description: `Only ${QUICK_FAULTS.join(' and ')} (what npm test runs)` },
    only: { type: 'string', description: 'Comma-separated fault names (see the list below)' },
    settle: {
      type: 'string',
      description:
        'At most this many seconds after a fault for the system to drain (every violation acted on, or every backlog empty)',
      default: '180',
    },
  },
  details: [
    'Starts its own NATS (JetStream), Redis and PostgreSQL on free ports (nats-server,',
    'redis-server, initdb and pg_ctl on PATH), the sandbox and the six services, and stops them',
    "all after; the machine's own servers are never touched. Against a steady load (a message",
    'with an invite link every 250 ms, a join every 4 s) it injects, one at a time:',
    ...FAULTS.map((f) => `  ${f.name}${f.floodAfter ? ' (then a join flood)' : ''}`),
    'After each fault it waits until every violation was acted on or every consumer backlog has',
    'been empty for 3 s (at most --settle), then counts from the sandbox and the database:',
    'messages sent, Discord actions on them, violations never acted on (lost), acted on twice',
    '(doubled), joins posted and judged (recorded by the invite-tracker), what was',
    'dead-lettered, services that died on their own (started again after 1 s, as Kubernetes',
    'would), the time from the fault to the first message acted on after it (recovery),',
    'and whether `audit verify` passes. After the faults marked so, 40 accounts of one batch',
    'join at 10 a second, and it checks the raid detector scored a minute holding all of them',
    '(flood seen: seconds after the last join, and the level it chose; lockdowns are in shadow',
    'mode, so they change nothing). It prints a table and, as its last line,',
    '{"faults":N,"lost":N,"doubled":N,"joinsLost":N,"maxRecoveryS":S,"auditOk":true,"floodsMissed":N}.',
    'Exits 1 when anything was lost or doubled, a flood went unseen or the audit chain is broken.',
  ].join('\n'),
  async run(args) {
    const settleS = Number(args.values.settle ?? '180');
    if (!(settleS > 0)) throw new UsageError('--settle takes a positive number of seconds');
    const only =
      typeof args.values.only === 'string' ? args.values.only.split(',').map((s) => s.trim()) : null;
    const names = args.values.quick === true ? QUICK_FAULTS : only;
    const chosen = names ? FAULTS.filter((f) => names.includes(f.name)) : FAULTS;
    if (names && chosen.length !== names.length)
      throw new UsageError(`unknown fault in ${names.join(', ')}; see --help for the list`);
    const deps = await startPrivateDeps();
    const results: FaultResult[] = [];
    try {
      console.log(
        `own NATS ${deps.natsUrl}, Redis ${deps.redisUrl}, PostgreSQL on ${new URL(deps.databaseUrl).port}`,
      );
      const system = await FaultSystem.start(deps, (line) => console.log(`  ${line}`));
      try {
        for (const fault of chosen) {
          console.log(`injecting: ${fault.name}`);
          results.push(await runFault(system, fault, settleS * 1000));
        }
      } finally {
        await system.stop();
      }
    } finally {
      await deps.stop();
    }
    console.log(formatTable(results));
    const summary = {
      faults: results.length,
      lost: results.reduce((a, r) => a + r.lost, 0),
      doubled: results.reduce((a, r) => a + r.doubled, 0),
      joinsLost: results.reduce((a, r) => a + r.joins - r.joinsJudged, 0),
      maxRecoveryS: Math.max(0, ...results.map((r) => r.recoveryS ?? 0)),
      auditOk: results.every((r) => r.auditOk),
      floodsMissed: results.filter((r) => r.raid === null).length,
    };
    console.log(JSON.stringify(summary));
    const clean =
      summary.lost === 0 && summary.joinsLost === 0 && summary.doubled === 0 && summary.floodsMissed === 0;
    return clean && summary.auditOk ? 0 : 1;
  },
};

function formatTable(results: readonly FaultResult[]): string {
  const header = [
    'fault',
    'sent',
    'refused',
    'actions',
    'lost',
    'doubled',
    'joins',
    'judged',
    'dead-lettered',
    'crashes',
    'drained s',
    'recovery s',
    'audit',
    'flood seen s',
  ];
  const rows = results.map((r) => [
    r.fault,
    String(r.sent),
    String(r.refused),
    String(r.actions),
    String(r.lost),
    String(r.doubled),
    String(r.joins),
    String(r.joinsJudged),
    String(r.deadLettered),
    String(r.crashes),
    r.drainedS.toFixed(1),
    r.recoveryS === null ? '—' : r.recoveryS.toFixed(1),
    r.auditOk ? 'ok' : 'BROKEN',
    r.raid === undefined ? '—' : r.raid === null ? 'NEVER' : `${r.raid.seenS.toFixed(1)} (${r.raid.level})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
