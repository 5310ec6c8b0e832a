import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An on-call endpoint for alert webhooks: records each call and answers the queued statuses (else 204). */
export async function startWebhookReceiver() {
  const answers: number[] = [];
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const status = answers.shift() ?? 204;
      // A redirect points at the cloud metadata address, as an attacker's receiver would.
      res
        .writeHead(
          status,
          status >= 300 && status < 400 ? { location: 'http://169.254.169.254/latest/' } : {},
        )
        .end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    answers,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
