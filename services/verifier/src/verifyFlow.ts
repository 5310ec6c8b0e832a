import { createHmac } from 'node:crypto';
import { createChallenge, extractParams, verifySolution } from 'altcha-lib/v1';
import { z } from 'zod';
import { renderChallengeWav } from './challengeAudio.ts';
import { newChallengeCode, normaliseAnswer } from './challengeCode.ts';
import { renderChallengePng } from './challengeImage.ts';
import { failMember, flagSharedAddress, type GateDeps, passMember } from './gatekeeper.ts';
import { gateMetrics } from './gateMetrics.ts';
import type { Verification } from './verificationStore.ts';
import { challengePage, type ResultKind, resultPage } from './verifyPage.ts';
import { checkToken, type TokenClaims } from './verifyToken.ts';

export interface PageDeps extends GateDeps {
  /** Signs links, ALTCHA challenges and the address hashes; one per deployment. */
  readonly secret: string;
  readonly guildName: (guildId: string) => Promise<string>;
}

export interface PageReply {
  readonly status: number;
  readonly type: string;
  readonly body: string | Buffer;
}

const html = (status: number, body: string): PageReply => ({
  status,
  type: 'text/html; charset=utf-8',
  body,
});
const result = (kind: ResultKind): PageReply => {
  if (kind !== 'passed') gateMetrics.refused.add(1, { reason: kind });
  const page = resultPage(kind);
  return html(page.status, page.html);
};

/** The answer form: exactly the two fields, nothing else. */
export const answerForm = z.strictObject({
  altcha: z.string().max(2000),
  answer: z.string().max(16),
});

/** The keyed hash of a client address: the raw address is never stored. */
export function addressHash(address: string, secret: string): string {
  return createHmac('sha256', `verify-address:${secret}`).update(address).digest('hex').slice(0, 32);
}

type Opened = { kind: 'ok'; claims: TokenClaims; row: Verification } | { kind: 'refused'; reply: PageReply };

/** A link that is genuine, unexpired, unspent, and for a verification still waiting. */
export async function openLink(deps: PageDeps, token: string): Promise<Opened> {
  const check = checkToken(token, deps.secret, deps.now());
  if (!check.ok) return { kind: 'refused', reply: result(check.reason) };
  if (await deps.redis.isSpent(check.claims.nonce)) return { kind: 'refused', reply: result('replayed') };
  const row = await deps.store.find(check.claims);
  if (row?.status !== 'pending') return { kind: 'refused', reply: result('not-pending') };
  return { kind: 'ok', claims: check.claims, row };
}

export async function codeFor(deps: PageDeps, claims: TokenClaims): Promise<string> {
  return deps.redis.challengeCode(claims.nonce, claims.expiresAt, newChallengeCode, deps.now());
}

/** GET: the check page, with a fresh proof-of-work challenge bound to this link. */
export async function showChallenge(
  deps: PageDeps,
  token: string,
  error: string | null = null,
): Promise<PageReply> {
  const opened = await openLink(deps, token);
  if (opened.kind === 'refused') return opened.reply;
  await codeFor(deps, opened.claims);
  const pow = await createChallenge({
    hmacKey: deps.secret,
    maxNumber: 20_000,
    expires: new Date(opened.claims.expiresAt),
    params: { n: opened.claims.nonce },
  });
  const gate = deps.config(opened.claims.guildId).gate;
  return html(
    error ? 400 : 200,
    challengePage({
      token,
      guildName: await deps.guildName(opened.claims.guildId),
      powChallenge: JSON.stringify(pow),
      attemptsLeft: Math.max(0, gate.maxAttempts - opened.row.attempts),
      error,
    }),
  );
}

/** GET: the picture or the audio of the link's current code. */
export async function challengeMedia(deps: PageDeps, token: string, kind: 'png' | 'wav'): Promise<PageReply> {
  const opened = await openLink(deps, token);
  if (opened.kind === 'refused') return opened.reply;
  const code = await codeFor(deps, opened.claims);
  return kind === 'png'
    ? { status: 200, type: 'image/png', body: renderChallengePng(code) }
    : { status: 200, type: 'audio/wav', body: renderChallengeWav(code) };
}

/**
 * A wrong answer (or a missing proof of work): one attempt spent. Out of attempts, the link is
 * spent and the failure action applies; otherwise the next try gets a new code.
 */
export async function recordWrongAnswer(
  deps: GateDeps,
  claims: TokenClaims,
  row: Verification,
): Promise<'retry' | 'failed' | 'not-pending'> {
  const attempts = await deps.store.countAttempt(claims);
  if (attempts === null) return 'not-pending';
  if (attempts >= deps.config(claims.guildId).gate.maxAttempts) {
    await deps.redis.spend(claims.nonce, claims.expiresAt, deps.now());
    await failMember(deps, { ...row, attempts }, { kind: 'failed', why: `${attempts} wrong answers` });
    return 'failed';
  }
  await deps.redis.replaceChallengeCode(claims.nonce, claims.expiresAt, newChallengeCode(), deps.now());
  return 'retry';
}

/** POST: an answer. Right and with the proof of work: passed (or flagged); wrong: an attempt spent. */
export async function submitAnswer(
  deps: PageDeps,
  token: string,
  form: Record<string, string>,
  address: string,
): Promise<PageReply> {
  const parsed = answerForm.safeParse(form);
  if (!parsed.success) return result('bad-form');
  const check = checkToken(token, deps.secret, deps.now());
  if (!check.ok) return result(check.reason);
  const hash = addressHash(address, deps.secret);
  const over = await deps.redis.countTry(check.claims.nonce, hash);
  if (over) return result('rate-limited');
  const opened = await openLink(deps, token);
  if (opened.kind === 'refused') return opened.reply;
  const { claims, row } = opened;
  const gate = deps.config(claims.guildId).gate;

  const powOk =
    parsed.data.altcha !== '' &&
    extractParams(parsed.data.altcha).n === claims.nonce &&
    (await verifySolution(parsed.data.altcha, deps.secret, true));
  const code = await codeFor(deps, claims);
  if (!powOk || normaliseAnswer(parsed.data.answer) !== code) {
    const outcome = await recordWrongAnswer(deps, claims, row);
    if (outcome !== 'retry') return result(outcome);
    const why = powOk
      ? 'Those were not the digits in the picture. Here is a new picture.'
      : 'The browser check did not finish (it needs JavaScript). Here is a new picture; please try again.';
    return showChallenge(deps, token, why);
  }
  if (!(await deps.redis.spend(claims.nonce, claims.expiresAt, deps.now()))) return result('replayed');
  if (gate.altAccountLimit > 0) {
    const others = await deps.redis.noteAddress(
      claims.guildId,
      hash,
      claims.userId,
      deps.now(),
      gate.altWindowDays,
    );
    if (others.length + 1 >= gate.altAccountLimit) {
      await flagSharedAddress(deps, row, others);
      await failMember(deps, row, { kind: 'failed', why: 'verified from an address other accounts used' });
      return result('flagged');
    }
  }
  await passMember(deps, row, 'web');
  return result('passed');
}
