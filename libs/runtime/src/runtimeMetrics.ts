import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { metrics } from '@opentelemetry/api';

const GC_KINDS: Record<number, string> = { 1: 'major', 2: 'minor', 4: 'incremental', 8: 'weakcb' };

/**
 * Node.js runtime metrics under the names of Prometheus's Node.js client, so stock dashboards
 * and the capacity figures read them: CPU seconds, memory, event-loop lag and GC pauses.
 */
export function startRuntimeMetrics(): void {
  const meter = metrics.getMeter('@chat-guard/runtime');
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();

  const cpu = meter.createObservableCounter('process_cpu_seconds_total', {
    description: 'User and system CPU time spent',
    unit: 's',
  });
  const rss = meter.createObservableGauge('process_resident_memory_bytes', {
    description: 'Resident memory size',
    unit: 'By',
  });
  const start = meter.createObservableGauge('process_start_time_seconds', {
    description: 'Start time of the process since the Unix epoch',
    unit: 's',
  });
  const heapUsed = meter.createObservableGauge('nodejs_heap_size_used_bytes', { unit: 'By' });
  const heapTotal = meter.createObservableGauge('nodejs_heap_size_total_bytes', { unit: 'By' });
  const external = meter.createObservableGauge('nodejs_external_memory_bytes', { unit: 'By' });
  const lag = meter.createObservableGauge('nodejs_eventloop_lag_seconds', {
    description: 'Event-loop delay since the last scrape, by quantile',
    unit: 's',
  });
  const resources = meter.createObservableGauge('nodejs_active_resources', {
    description: 'Handles and requests keeping the event loop alive',
  });
  const startSeconds = Date.now() / 1000 - process.uptime();

  meter.addBatchObservableCallback(
    (result) => {
      const usage = process.cpuUsage();
      const memory = process.memoryUsage();
      result.observe(cpu, (usage.user + usage.system) / 1e6);
      result.observe(rss, memory.rss);
      result.observe(start, startSeconds);
      result.observe(heapUsed, memory.heapUsed);
      result.observe(heapTotal, memory.heapTotal);
      result.observe(external, memory.external);
      for (const quantile of [0.5, 0.99])
        result.observe(lag, loop.percentile(quantile * 100) / 1e9, { quantile: String(quantile) });
      result.observe(lag, loop.max / 1e9, { quantile: '1' });
      loop.reset();
      result.observe(resources, process.getActiveResourcesInfo().length);
    },
    [cpu, rss, start, heapUsed, heapTotal, external, lag, resources],
  );

  const gc = meter.createHistogram('nodejs_gc_duration_seconds', {
    description: 'Garbage collection pauses, by kind',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.001, 0.01, 0.1, 1, 2, 5] },
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
      gc.record(entry.duration / 1000, { kind: GC_KINDS[kind] ?? 'other' });
    }
  }).observe({ entryTypes: ['gc'] });
}
