import { metrics } from '@opentelemetry/api';
import { type Client, Events } from 'discord.js';

/**
 * Exports whether each shard this replica runs is connected (`chatguard_gateway_shard_connected`)
 * and how many shards the bot has in all (`chatguard_gateway_shard_count`), so an alert can
 * compare the two across replicas: a shard that is down, or a pod that is gone, shows.
 */
export function watchShards(client: Client): void {
  const connected = new Map<number, boolean>();
  const set = (shard: number, up: boolean) => connected.set(shard, up);
  client.on(Events.ShardReady, (shard) => set(shard, true));
  client.on(Events.ShardResume, (shard) => set(shard, true));
  client.on(Events.ShardDisconnect, (_event, shard) => set(shard, false));
  client.on(Events.ShardReconnecting, (shard) => set(shard, false));
  client.on(Events.ShardError, (_err, shard) => set(shard, false));

  const meter = metrics.getMeter('@chat-guard/gateway');
  meter
    .createObservableGauge('chatguard_gateway_shard_connected', {
      description: '1 while a shard this replica runs is connected, else 0',
    })
    .addCallback((result) => {
      const { shards } = client.options;
      for (const shard of Array.isArray(shards) ? shards : [])
        result.observe(connected.get(shard) ? 1 : 0, { shard: String(shard) });
    });
  meter
    .createObservableGauge('chatguard_gateway_shard_count', {
      description: 'Shards the bot runs across all replicas (SHARD_COUNT)',
    })
    .addCallback((result) => {
      const { shardCount } = client.options;
      if (typeof shardCount === 'number') result.observe(shardCount);
    });
}
