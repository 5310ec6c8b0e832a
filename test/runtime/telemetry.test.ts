import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { ADMIN_URL } from '../support/postgres.ts';
import { spawnTs } from '../support/processes.ts';

interface OtlpSpan {
  name: string;
  traceId: string;
}

/** The spans a child process that does pg, ioredis and http work exports, with its service name. */
async function exportedSpans(extraEnv: Record<string, string>) {
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
    const work = spawnTs(
      ['--import', '@chat-guard/runtime/instrument', 'test/fixtures/instrumentedWork.ts'],
      {
        OTEL_SERVICE_NAME: 'telemetry-probe',
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        TEST_DATABASE_URL: ADMIN_URL,
        TEST_HTTP_TARGET: endpoint,
        ...extraEnv,
      },
    );
    expect(await work.exited, work.output()).toBe(0);
  } finally {
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  }
  return { names: spans.map((s) => s.name), serviceName };
}

it('exports spans of pg, ioredis and http over OTLP when an endpoint is configured', async () => {
  const { names, serviceName } = await exportedSpans({ TRACE_SAMPLE_RATIO: '1' });
  expect(serviceName).toBe('telemetry-probe');
  expect(names.some((n) => /^pg\.query|select/i.test(n))).toBe(true);
  expect(names).toContain('ping');
  expect(names.some((n) => /^GET/.test(n))).toBe(true);
});

it('records no new trace with TRACE_SAMPLE_RATIO=0', async () => {
  const { names } = await exportedSpans({ TRACE_SAMPLE_RATIO: '0' });
  expect(names).toEqual([]);
});
