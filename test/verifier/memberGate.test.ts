import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/bus.ts';
import type { Spawned } from '../support/processes.ts';
import { type System, startSystem } from '../support/system.ts';
import { launchChromium } from './browser.ts';
import { freePort, gateHarness, newSecret, setGate } from './gateHarness.ts';

// The member gate end to end on the sandbox: gateway → verifier → log-writer, with real NATS,
// Redis and PostgreSQL, and Debian's Chromium for the person on the verify page.

let system: System;
let gate: ReturnType<typeof gateHarness>;
let browser: { context: BrowserContext; close(): Promise<void> };
let base = '';
let verifier: Spawned;
const guilds = { always: '', alert: '', keep: '' };
/** The account the scripted client played, which failed the gate and was kicked. */
let scripted = '';

beforeAll(async () => {
  system = await startSystem({
    sandbox: { guilds: [{ members: 5 }, { members: 5 }, { members: 5 }], seed: 23 },
  });
  const [always, alert, keep] = system.sandbox.guilds;
  if (!always || !alert || !keep) throw new Error('three guilds expected');
  Object.assign(guilds, { always, alert, keep });
  await Promise.all([system.start('gateway'), system.start('log-writer')]);
  await setGate(system, always, { mode: 'always', failureAction: 'kick', maxAttempts: 2 });
  await setGate(system, keep, { mode: 'always', failureAction: 'keep', maxAttempts: 1, altAccountLimit: 2 });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  verifier = await system.start('verifier', {
    VERIFY_SECRET: newSecret(),
    WEB_PORT: String(port),
    WEB_HOST: '127.0.0.1',
    VERIFY_PUBLIC_URL: base,
    TRUST_PROXY: 'true',
    SWEEP_INTERVAL_MS: '300',
  });
  gate = gateHarness(system);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await gate?.close();
  await system?.stop();
});

/** A person opens the link, waits for the browser check, reads the picture and answers. */
async function answerInBrowser(link: string, address: string, code?: string): Promise<string> {
  const page = await browser.context.newPage();
  try {
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': address });
    await page.goto(link);
    await page.getByRole('status').filter({ hasText: 'Browser check done' }).waitFor({ timeout: 20_000 });
    // Keyboard only: Tab to the answer, type it, Enter sends the form.
    const focused = () => page.evaluate<string | undefined>('document.activeElement?.id');
    for (let i = 0; i < 10 && (await focused()) !== 'answer'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('answer');
    await page.keyboard.type(code ?? (await gate.codeShownFor(link)));
    await page.screenshot({ path: '/tmp/verifier-check.png', fullPage: true });
    // The next load event is the answer's page (the check page had loaded before).
    const answered = page.waitForEvent('load');
    await page.keyboard.press('Enter');
    await answered;
    return await page.getByRole('heading', { level: 1 }).innerText();
  } finally {
    await page.close();
  }
}

describe('the member gate', () => {
  it('gates a newcomer in always mode: the Unverified role, a verify channel only it sees, a Verify button', async () => {
    const userId = gate.join(guilds.always);
    const role = await gate.unverifiedRole(guilds.always);
    await gate.waitForRole(guilds.always, userId, role, true, 'the newcomer to be Unverified');
    const setup = await gate.verifierGuild(guilds.always);
    const guild = system.sandbox.state.guilds[guilds.always];
    const verify = guild?.channels[setup?.channel_id ?? ''];
    expect(verify?.name).toBe('verify');
    const everyone = verify?.permissionOverwrites.find((o) => o.id === guilds.always);
    expect(BigInt(everyone?.deny ?? '0') & 1024n).toBe(1024n);
    // Every other channel hides itself from Unverified.
    for (const channel of Object.values(guild?.channels ?? {}).filter((c) => c.id !== verify?.id)) {
      const overwrite = channel.permissionOverwrites.find((o) => o.id === role);
      expect(BigInt(overwrite?.deny ?? '0') & 1024n, channel.name).toBe(1024n);
    }
    const message = guild?.messages[setup?.message_id ?? ''];
    expect(JSON.stringify(message?.components)).toContain('verify:start');
  });

  it('lets a person pass in Chromium: the role is removed, and the pass is audited', async () => {
    const userId = gate.join(guilds.always);
    const role = await gate.unverifiedRole(guilds.always);
    await gate.waitForRole(guilds.always, userId, role, true, 'the newcomer to be Unverified');
    const link = await gate.pressVerify(guilds.always, userId);
    expect(await answerInBrowser(link, '198.51.100.10')).toBe('You are verified');
    await gate.waitForRole(guilds.always, userId, role, false, 'the Unverified role to go');
    expect((await gate.verification(guilds.always, userId))?.status).toBe('passed');
    await waitFor(
      async () => (await gate.audits(guilds.always, userId)).includes('verification.passed'),
      'the audit',
    );
    // The link worked once.
    const again = await fetch(link);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('already used');
  }, 60_000);

  it('lets a member without a browser pass in Discord: the picture privately, the answer in a modal', async () => {
    const userId = gate.join(guilds.always);
    const role = await gate.unverifiedRole(guilds.always);
    await gate.waitForRole(guilds.always, userId, role, true, 'gated');
    const setup = await gate.verifierGuild(guilds.always);
    const channel = setup?.channel_id ?? '';
    const check = await gate.press(guilds.always, userId, channel, setup?.message_id ?? '', 'verify:discord');
    expect(Number(check.data.flags) & 64).toBe(64);
    // The picture is attached to the private reply; the embed shows it.
    expect((check.data.embeds as { image: { url: string } }[])[0]?.image.url).toBe('attachment://check.png');
    const code = await gate.codeShownInDiscord(guilds.always, userId);
    const opened = await gate.press(guilds.always, userId, channel, check.messageId, 'verify:answer');
    expect(opened.data.type).toBe(9);
    const wrong = await gate.submit(guilds.always, opened.interaction.id, { digits: '0000' });
    expect(String(wrong.data.content)).toContain('Not quite');
    const newCode = await gate.codeShownInDiscord(guilds.always, userId);
    expect(wrong.data.embeds).toHaveLength(1); // with a new picture
    expect(newCode).toMatch(/^[1-6]{4}$/);
    const again = await gate.press(guilds.always, userId, channel, wrong.messageId, 'verify:answer');
    const right = await gate.submit(guilds.always, again.interaction.id, { digits: newCode });
    expect(right.data.content).toBe('You are verified. Welcome!');
    await gate.waitForRole(guilds.always, userId, role, false, 'the Unverified role to go');
    const row = await gate.verification(guilds.always, userId);
    expect([row?.status, row?.outcome, row?.attempts]).toEqual(['passed', 'discord', 1]);
    expect(code).toMatch(/^[1-6]{4}$/);
  });

  it('sends the page with CSP and frame-ancestors, and no answer in its text', async () => {
    const userId = gate.join(guilds.always);
    await gate.waitForRole(guilds.always, userId, await gate.unverifiedRole(guilds.always), true, 'gated');
    const link = await gate.pressVerify(guilds.always, userId);
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const html = await response.text();
    expect(html).not.toContain(await gate.codeShownFor(link));
  });

  it('fails a scripted client that fetches the page and posts answers, and kicks it after maxAttempts', async () => {
    const userId = gate.join(guilds.always);
    await gate.waitForRole(guilds.always, userId, await gate.unverifiedRole(guilds.always), true, 'gated');
    const link = await gate.pressVerify(guilds.always, userId);
    const post = async () => {
      await fetch(link);
      // Even the right digits do not pass without the proof of work a browser does.
      const answer = await gate.codeShownFor(link);
      return fetch(link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '192.0.2.44' },
        body: new URLSearchParams({ altcha: '', answer }).toString(),
      });
    };
    const first = await post();
    expect(first.status).toBe(400);
    expect(await first.text()).toContain('browser check did not finish');
    const second = await post();
    expect(second.status).toBe(403);
    await waitFor(() => gate.member(guilds.always, userId) === undefined, 'the kick', 20_000);
    const row = await gate.verification(guilds.always, userId);
    expect([row?.status, row?.outcome, row?.attempts]).toEqual(['failed', 'kick', 2]);
    scripted = userId;
    await waitFor(
      async () => (await gate.audits(guilds.always, userId)).includes('verification.failed'),
      'the audit',
    );
    // Hammering the link further is cut off by the per-link limit in Redis (10 tries).
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await post()).status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(410));
    expect(statuses.slice(-2)).toEqual([429, 429]);
  });

  it('refuses forged, expired-shaped, replayed and other members’ links and changes nothing', async () => {
    const userId = gate.join(guilds.always);
    const role = await gate.unverifiedRole(guilds.always);
    await gate.waitForRole(guilds.always, userId, role, true, 'gated');
    const link = await gate.pressVerify(guilds.always, userId);
    const [body = '', signature = ''] = (link.split('/verify/')[1] ?? '').split('.');
    const forged = await fetch(`${base}/verify/${body}.${signature.slice(0, -2)}AA`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('not made by this server');
    // Another user's claims under this signature: the signature no longer matches.
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const otherUser = Buffer.from(JSON.stringify({ ...claims, u: '1' })).toString('base64url');
    expect((await fetch(`${base}/verify/${otherUser}.${signature}`)).status).toBe(400);
    const otherGuild = Buffer.from(JSON.stringify({ ...claims, g: guilds.keep })).toString('base64url');
    expect((await fetch(`${base}/verify/${otherGuild}.${signature}`)).status).toBe(400);
    const garbage = await fetch(`${base}/verify/not-a-token`);
    expect(garbage.status).toBe(400);
    // Forms too large or in another shape.
    const big = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `answer=${'1'.repeat(10_000)}`,
    });
    expect(big.status).toBe(413);
    const extra = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'answer=1234&altcha=&admin=1',
    });
    expect(extra.status).toBe(400);
    const json = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
    // Nothing changed: still gated, no attempt counted.
    const row = await gate.verification(guilds.always, userId);
    expect([row?.status, row?.attempts]).toEqual(['pending', 0]);
    expect(gate.member(guilds.always, userId)?.roles).toContain(role);
  });

  it('keeps a failing member Unverified when the failure action is keep', async () => {
    const userId = gate.join(guilds.keep);
    const role = await gate.unverifiedRole(guilds.keep);
    await gate.waitForRole(guilds.keep, userId, role, true, 'gated');
    const link = await gate.pressVerify(guilds.keep, userId);
    expect(await answerInBrowser(link, '198.51.100.20', '0000')).toBe('Verification failed');
    const row = await gate.verification(guilds.keep, userId);
    expect([row?.status, row?.outcome]).toEqual(['failed', 'keep']);
    expect(gate.member(guilds.keep, userId)?.roles).toContain(role);
  }, 60_000);

  it('flags the second account verifying from one address, naming the first', async () => {
    const role = await gate.unverifiedRole(guilds.keep);
    const first = gate.join(guilds.keep);
    const second = gate.join(guilds.keep);
    await gate.waitForRole(guilds.keep, second, role, true, 'gated');
    await gate.waitForRole(guilds.keep, first, role, true, 'gated');
    expect(await answerInBrowser(await gate.pressVerify(guilds.keep, first), '203.0.113.5')).toBe(
      'You are verified',
    );
    expect(await answerInBrowser(await gate.pressVerify(guilds.keep, second), '203.0.113.5')).toBe(
      'A moderator will look at this',
    );
    expect(gate.member(guilds.keep, second)?.roles).toContain(role);
    await waitFor(
      async () => (await gate.audits(guilds.keep, second)).includes('verification.flagged'),
      'the flag',
    );
    const flag = await system.database.db
      .selectFrom('audit_log')
      .select('details')
      .where('guild_id', '=', guilds.keep)
      .where('action', '=', 'verification.flagged')
      .executeTakeFirstOrThrow();
    expect(flag.details.related).toBe(first);
  }, 60_000);

  it('kicks a member who does not pass in time, and audits the expiry', async () => {
    const userId = gate.join(guilds.always);
    await gate.waitForRole(guilds.always, userId, await gate.unverifiedRole(guilds.always), true, 'gated');
    // Time passes: the deadline is behind us (the sweep runs every 300 ms in this test).
    await system.database.db
      .updateTable('verification')
      .set({ deadline_at: new Date(Date.now() - 1000) })
      .where('guild_id', '=', guilds.always)
      .where('user_id', '=', userId)
      .execute();
    await waitFor(
      async () => (await gate.verification(guilds.always, userId))?.status === 'expired',
      'the expiry',
      20_000,
    );
    await waitFor(() => gate.member(guilds.always, userId) === undefined, 'the kick', 20_000);
    await waitFor(
      async () => (await gate.audits(guilds.always, userId)).includes('verification.expired'),
      'the audit',
    );
  });

  it('closes the verification of a gated member who leaves, counting them as drop-off', async () => {
    const userId = gate.join(guilds.always);
    await gate.waitForRole(guilds.always, userId, await gate.unverifiedRole(guilds.always), true, 'gated');
    system.sandbox.users.removeMember(guilds.always, userId);
    await waitFor(
      async () => (await gate.verification(guilds.always, userId))?.status === 'expired',
      'the verification to close',
      20_000,
    );
    expect((await gate.verification(guilds.always, userId))?.outcome).toBe('left');
  });

  it('remembers an account that failed the gate: another guild’s entry checks flag it', async () => {
    expect(scripted).not.toBe('');
    gate.join(guilds.alert, { id: scripted });
    await waitFor(
      async () => (await gate.verification(guilds.alert, scripted)) !== undefined,
      'the join',
      20_000,
    );
    const row = await gate.verification(guilds.alert, scripted);
    // on-alert with no raid gate admits it, but the flag is on record.
    expect([row?.status, row?.reasons]).toEqual(['admitted', ['seen-in-raid']]);
  });

  it('gates newcomers in on-alert mode only while the raid gate holds', async () => {
    const status = async (userId: string) => {
      await waitFor(
        async () => (await gate.verification(guilds.alert, userId)) !== undefined,
        'the join',
        20_000,
      );
      return (await gate.verification(guilds.alert, userId))?.status;
    };
    expect(await status(gate.join(guilds.alert))).toBe('admitted');
    const gateId = `${guilds.alert}-${Date.now()}`;
    const common = { guildId: guilds.alert, gateId, score: 0.7, reasons: ['many young accounts'] };
    await system.bus.publish('gate.started', {
      ...common,
      threshold: 0.6,
      features: {},
      featureVersion: 1,
      joinsLastMinute: 12,
      startedAt: Date.now(),
    });
    await waitFor(
      async () => (await gate.verifierGuild(guilds.alert))?.gate_id === gateId,
      'the gate to open',
    );
    const during = gate.join(guilds.alert);
    expect(await status(during)).toBe('pending');
    await gate.waitForRole(guilds.alert, during, await gate.unverifiedRole(guilds.alert), true, 'gated');
    await system.bus.publish('gate.ended', { ...common, endedBy: 'detector', endedAt: Date.now() });
    await waitFor(
      async () => (await gate.verifierGuild(guilds.alert))?.gate_id === null,
      'the gate to close',
    );
    expect(await status(gate.join(guilds.alert))).toBe('admitted');
  });

  it('counts joined, gated, passed, failed and expired per guild in /metrics and in /gate status', async () => {
    const port = /"port":(\d+),"msg":"serving \/healthz/.exec(verifier.output())?.[1];
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const count = (name: string) =>
      Number(new RegExp(`${name}\\{guild_id="${guilds.always}"[^}]*\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(count('chatguard_gate_passed_total')).toBeGreaterThanOrEqual(2);
    expect(count('chatguard_gate_failed_total')).toBeGreaterThanOrEqual(1);
    expect(count('chatguard_gate_expired_total')).toBeGreaterThanOrEqual(1);
    expect(count('chatguard_gate_gated_total')).toBeGreaterThanOrEqual(
      count('chatguard_gate_passed_total') + 2,
    );
    expect(metrics).toContain('chatguard_gate_time_to_pass_seconds_bucket');
    const status = await system.command(guilds.always, 'gate', {}, 'status');
    expect(status).toContain('Member gate: always');
    expect(status).toMatch(/passed [2-9]/);
    expect(status).toMatch(/Time to pass: median \d+ s, p90 \d+ s/);
  });
});
