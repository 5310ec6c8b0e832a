import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDiscordRest } from '@chat-guard/discord';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, expect, it } from 'vitest';

// The process's metrics, as Prometheus would scrape them.
const exporter = new PrometheusExporter({ preventServerStart: true });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
async function scrape(): Promise<string> {
  const { resourceMetrics } = await exporter.collect();
  return new PrometheusSerializer().serialize(resourceMetrics);
}

// A Discord that rate-limits the first delete, then takes it, and refuses every timeout.
let deletes = 0;
const discord = createServer((req, res) => {
  if (req.method === 'DELETE' && deletes++ === 0) {
    res.writeHead(429, {
      'content-type': 'application/json',
      'retry-after': '0.05',
      'x-ratelimit-scope': 'user',
    });
    res.end(JSON.stringify({ message: 'You are being rate limited.', retry_after: 0.05, global: false }));
    return;
  }
  if (req.method === 'DELETE') {
    res.writeHead(204).end();
    return;
  }
  res.writeHead(403, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message: 'Missing Permissions', code: 50013 }));
});
let api = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => discord.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(discord.address() as AddressInfo).port}/api`;
});
afterAll(() => new Promise<void>((resolve) => discord.close(() => resolve())));

it('counts every Discord call by action and outcome, and every 429 by scope', async () => {
  const port = createDiscordRest({ api, token: 'test-token' });
  await port.deleteMessage('1100000000000000100', '1300000000000000001', 'spam');
  await expect(
    port.timeoutMember('1100000000000000001', '1300000000000000042', Date.now() + 60_000, 'spam'),
  ).rejects.toThrow(/Missing Permissions/);
  const text = await scrape();
  expect(text).toMatch(/^chatguard_discord_actions_total\{action="deleteMessage",outcome="ok"[^}]*\} 1$/m);
  expect(text).toMatch(
    /^chatguard_discord_actions_total\{action="timeoutMember",outcome="refused"[^}]*\} 1$/m,
  );
  expect(text).toMatch(/^chatguard_discord_rate_limited_total\{scope="user"[^}]*\} 1$/m);
  expect(deletes).toBe(2); // the 429 was waited out and the delete retried, not given up
});
