import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { withBundles } from '../support/bundles.ts';
import { ADMIN_URL } from '../support/postgres.ts';
import { repoRoot, spawnTs } from '../support/processes.ts';

interface OtlpSpan {
  name: string;
  traceId: string;
}

/** Runs the probe with the telemetry preload and returns the spans an OTLP collector received. */
async function probeSpans(
  args: string[],
  // Every new trace recorded unless a test says otherwise (the services' default keeps 0.1).
  extraEnv: Record<string, string> = { TRACE_SAMPLE_RATIO: '1' },
): Promise<{ names: string[]; serviceName: string }> {
  const spans: OtlpSpan[] = [];
  let serviceName = '';
  const collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const payload = JSON.parse(body) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: { spans: OtlpSpan[] }[];
          }[];
        };
        for (const rs of payload.resourceSpans) {
          serviceName =
            rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? serviceName;
          for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  try {
    const work = spawnTs(args, {
      OTEL_SERVICE_NAME: 'telemetry-probe',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      TEST_DATABASE_URL: ADMIN_URL,
      TEST_HTTP_TARGET: endpoint,
      ...extraEnv,
    });
    expect(await work.exited, work.output()).toBe(0);
  } finally {
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  }
  return { names: spans.map((s) => s.name), serviceName };
}

function expectEverySpan({ names, serviceName }: { names: string[]; serviceName: string }) {
  expect(serviceName).toBe('telemetry-probe');
  expect(names.some((n) => /^pg\.query|select/i.test(n))).toBe(true);
  expect(names).toContain('ping');
  expect(names.some((n) => /^GET/.test(n))).toBe(true);
}

it('exports spans of pg, ioredis and http over OTLP when an endpoint is configured', async () => {
  expectEverySpan(
    await probeSpans(['--import', '@chat-guard/runtime/instrument', 'test/fixtures/instrumentedWork.ts']),
  );
});

it('exports the same spans from the bundles, which load pg and ioredis without a loader hook', {
  timeout: 120_000,
}, async () => {
  await withBundles({ probe: join(repoRoot, 'test/fixtures/instrumentedWork.ts') }, async (out) => {
    // The loader hook is a thread of its own: the bundled service must not start one.
    expect(readFileSync(join(out, 'instrument.mjs'), 'utf8')).not.toContain('hook.mjs');
    expectEverySpan(await probeSpans(['--import', join(out, 'instrument.mjs'), join(out, 'probe.mjs')]));
  });
});

it('records no new trace with TRACE_SAMPLE_RATIO=0', async () => {
  const { names } = await probeSpans(
    ['--import', '@chat-guard/runtime/instrument', 'test/fixtures/instrumentedWork.ts'],
    { TRACE_SAMPLE_RATIO: '0' },
  );
  expect(names).toEqual([]);
});
