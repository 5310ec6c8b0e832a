import { createHmac } from 'node:crypto';

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
}

/** POSTs a signed JSON body; throws WebhookRefusedError on 3xx/4xx, WebhookUnavailableError otherwise. */
export async function postSignedWebhook(delivery: WebhookDelivery): Promise<void> {
  let response: Response;
  try {
    response = await fetch(delivery.url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'ChatGuard-Webhook/1',
        [TIMESTAMP_HEADER]: String(delivery.timestamp),
        [SIGNATURE_HEADER]: webhookSignature(delivery.secret, delivery.timestamp, delivery.body),
        [IDEMPOTENCY_HEADER]: delivery.id,
      },
      body: delivery.body,
      signal: AbortSignal.timeout(delivery.timeoutMs),
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new WebhookUnavailableError(`alert webhook unreachable: ${reason}`, { cause: err });
  }
  await response.body?.cancel();
  if (response.status >= 500) throw new WebhookUnavailableError(`alert webhook answered ${response.status}`);
  if (response.status >= 300 || response.type === 'opaqueredirect')
    throw new WebhookRefusedError(response.status, `alert webhook refused it: ${response.status}`);
}

/** What an alert needs to call the guild's webhook. */
export interface AlertWebhookDeps {
  /** The deployment's shared secret for signing webhook calls; null sends none. */
  readonly webhookSecret: string | null;
  readonly webhookTimeoutMs: number;
  readonly now: () => number;
}

/**
 * POSTs an alert, signed, to the guild's webhook as `{"id","type","alert"}`. A refusal is noted in
 * `problems`; a receiver that fails for now throws (retryable), so the redelivery calls again.
 */
export async function callAlertWebhook(
  deps: AlertWebhookDeps,
  url: string | null,
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
      secret: deps.webhookSecret,
      timestamp: Math.floor(deps.now() / 1000),
      timeoutMs: deps.webhookTimeoutMs,
    });
  } catch (err) {
    if (!isWebhookRefused(err)) throw err;
    problems.push(err.message);
    return 'refused';
  }
  return 'sent';
}
