import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  displayOrigin,
  guildWebhookSecret,
  isUnsafeUrl,
  type OutboundPolicy,
  screenedLookup,
  screenUrl,
} from '@chat-guard/outbound';

export const TIMESTAMP_HEADER = 'x-chat-guard-timestamp';
export const SIGNATURE_HEADER = 'x-chat-guard-signature';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the value of the signature header. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The receiver refused the alert (4xx, a redirect): retrying will not help. */
export class WebhookRefusedError extends Error {
  readonly retryable = false;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookRefusedError';
  }
}

/** The receiver failed or did not answer in time (5xx, timeout, network): a later retry may work. */
export class WebhookUnavailableError extends Error {
  readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WebhookUnavailableError';
  }
}

export function isWebhookRefused(err: unknown): err is WebhookRefusedError {
  return err instanceof WebhookRefusedError;
}

export interface WebhookDelivery {
  readonly url: string;
  /** The dedupe id of what is sent, so a receiver can drop a repeated delivery. */
  readonly id: string;
  readonly body: string;
  readonly secret: string;
  /** Seconds since the epoch, signed with the body so a receiver can refuse old replays. */
  readonly timestamp: number;
  readonly timeoutMs: number;
  /** What the call may reach; checked again on every delivery. */
  readonly policy: OutboundPolicy;
}

/**
 * POSTs a signed JSON body; throws WebhookRefusedError on 3xx/4xx or a URL the policy refuses
 * (checked on the address the connection really uses), WebhookUnavailableError otherwise.
 * Redirects are never followed.
 */
export async function postSignedWebhook(delivery: WebhookDelivery): Promise<void> {
  let target: URL;
  try {
    target = screenUrl(delivery.url, delivery.policy);
  } catch (err) {
    if (isUnsafeUrl(err)) throw new WebhookRefusedError(0, `alert webhook refused: ${err.message}`);
    throw err;
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const status = await new Promise<number>((resolve, reject) => {
    const request = send(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(delivery.body),
        'user-agent': 'ChatGuard-Webhook/1',
        [TIMESTAMP_HEADER]: String(delivery.timestamp),
        [SIGNATURE_HEADER]: webhookSignature(delivery.secret, delivery.timestamp, delivery.body),
        [IDEMPOTENCY_HEADER]: delivery.id,
      },
      lookup: screenedLookup(delivery.policy, displayOrigin(delivery.url)),
      signal: AbortSignal.timeout(delivery.timeoutMs),
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end(delivery.body);
  }).catch((err: unknown) => {
    if (isUnsafeUrl(err)) throw new WebhookRefusedError(0, `alert webhook refused: ${err.message}`);
    const reason = err instanceof Error ? err.message : String(err);
    throw new WebhookUnavailableError(
      `alert webhook unreachable at ${displayOrigin(delivery.url)}: ${reason}`,
      {
        cause: err,
      },
    );
  });
  if (status >= 500) throw new WebhookUnavailableError(`alert webhook answered ${status}`);
  if (status >= 300 || status < 200)
    throw new WebhookRefusedError(status, `alert webhook refused it: ${status}`);
}

/** What an alert needs to call the guild's webhook. */
export interface AlertWebhookDeps {
  /** The deployment's secret each guild's signing secret is derived from; null sends none. */
  readonly webhookSecret: string | null;
  readonly webhookTimeoutMs: number;
  /** What webhook calls may reach (no loopback, private or metadata addresses unless allowed). */
  readonly webhookPolicy: OutboundPolicy;
  readonly now: () => number;
}

/**
 * POSTs an alert, signed, to the guild's webhook as `{"id","type","alert"}`. A refusal is noted in
 * `problems`; a receiver that fails for now throws (retryable), so the redelivery calls again.
 */
export async function callAlertWebhook(
  deps: AlertWebhookDeps,
  url: string | null,
  guildId: string,
  call: { readonly id: string; readonly type: 'lockdown.alert' | 'gate.alert'; readonly alert: unknown },
  problems: string[],
): Promise<'sent' | 'not-configured' | 'no-secret' | 'refused'> {
  if (url === null) return 'not-configured';
  if (deps.webhookSecret === null) return 'no-secret';
  try {
    await postSignedWebhook({
      url,
      id: call.id,
      body: JSON.stringify(call),
      // Each guild signs with its own secret, so one guild's receiver cannot forge another's.
      secret: guildWebhookSecret(deps.webhookSecret, guildId),
      timestamp: Math.floor(deps.now() / 1000),
      timeoutMs: deps.webhookTimeoutMs,
      policy: deps.webhookPolicy,
    });
  } catch (err) {
    if (!isWebhookRefused(err)) throw err;
    problems.push(err.message);
    return 'refused';
  }
  return 'sent';
}
