import { discordEnv } from '@chat-guard/runtime';
import { z } from 'zod';

/** The verifier's environment: the Discord one, plus its public page and its secret. */
export const verifierEnv = discordEnv.extend({
  /** Signs Verify links and proof-of-work challenges, and keys the address hashes. One per deployment. */
  VERIFY_SECRET: z
    .string({ error: 'is required: a random secret of at least 32 characters (e.g. `openssl rand -hex 32`)' })
    .min(32, 'must be at least 32 characters'),
  /** The verify page's address as members' browsers reach it (the Ingress host in Kubernetes). */
  VERIFY_PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8090'),
  WEB_HOST: z.string().min(1).default('0.0.0.0'),
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  /** Behind one trusted proxy (an Ingress): the client address is the last X-Forwarded-For entry. */
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** How often overdue verifications are closed. */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(200).max(600_000).default(15_000),
});
