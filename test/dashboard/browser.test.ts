import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboardWeb } from '../../deploy/docker/build.ts';
import { waitFor } from '../support/bus.ts';
import { episode } from '../support/episodes.ts';
import { repoRoot } from '../support/processes.ts';
import { type System, startSystem } from '../support/system.ts';
import { type RunningDashboard, startDashboard } from './dashboardHarness.ts';

const CHROMIUM = '/usr/bin/chromium';
/** The README shows what the test run saw. */
const SHOTS = join(repoRoot, 'docs/screenshots');

let system: System;
let dashboard: RunningDashboard;
let context: BrowserContext;
let page: Page;
let guildId: string;
let otherGuildId: string;
let levelBeforeLockdown: number | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'chat-guard-dashboard-'));

beforeAll(async () => {
  // deps.sh installs Debian's Chromium when it is missing.
  if (!existsSync(CHROMIUM))
    execFileSync('bash', ['deploy/local/deps.sh'], { cwd: repoRoot, stdio: 'inherit' });
  const web = join(scratch, 'web');
  await buildDashboardWeb(web);
  system = await startSystem({ sandbox: { guilds: 2, seed: 31 } });
  [guildId = '', otherGuildId = ''] = system.sandbox.guilds;
  await Promise.all([
    system.start('gateway'),
    system.start('content-filter'),
    system.start('enforcer'),
    system.start('log-writer'),
    system.start('invite-tracker'),
    system.start('anomaly-detector'),
  ]);
  dashboard = await startDashboard(system, { DASHBOARD_STATIC_DIR: web });
  mkdirSync(SHOTS, { recursive: true });
  context = await chromium.launchPersistentContext(join(scratch, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
}, 180_000);

// A script error in the page fails the step it happened in, not a later wait.
const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await context?.close();
  dashboard?.process.child.kill('SIGTERM');
  await dashboard?.process.exited;
  await system?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const view = (id: string) => system.sandbox.inspect.guild(id);
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

describe('the dashboard in a browser', () => {
  it('signs in through the sandbox’s Discord consent page and lists only the server the user manages', async () => {
    await page.goto(dashboard.url);
    await shot('sign-in');
    await page.getByRole('link', { name: 'Sign in with Discord' }).click();
    await page.waitForURL(/\/oauth2\/authorize/);
    await page.selectOption('select[name=user_id]', view(guildId).ownerId);
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.waitForURL(`${dashboard.url}/`);
    const list = page.getByTestId('guild-list');
    await list.waitFor();
    expect(await list.getByRole('link').allTextContents()).toEqual([view(guildId).name]);
    expect(await page.content()).not.toContain(view(otherGuildId).name);
    await shot('servers');
  });

  it('shows joins arriving live on the overview, and a raid the detector found as it happens', {
    timeout: 240_000,
  }, async () => {
    await page.getByRole('link', { name: view(guildId).name }).click();
    await expect.poll(() => page.getByTestId('live-status').textContent(), { timeout: 20_000 }).toBe('Live');
    const joined = Array.from({ length: 6 }, () => system.sandbox.users.addMember({ guildId }).user);
    for (const user of joined)
      await page
        .locator(`[data-testid=recent-joins] li[data-user="${user.id}"]`)
        .waitFor({ timeout: 20_000 });
    levelBeforeLockdown = system.sandbox.state.guilds[guildId]?.verificationLevel;
    // Nobody types /lockdown: a flood from the sandbox's generator plays, the detector scores
    // it and asks for the lockdown, and the page shows each step as it arrives.
    const { events, raiders } = episode(system.sandbox, guildId, 'fast-flood', 5);
    const playing = system.sandbox.traffic.play(events, { speed: 2 });
    const latest = page.getByTestId('raid-score-latest');
    await page
      .getByText(/lockdown started/)
      .first()
      .waitFor({ timeout: 180_000 })
      .catch((err) => {
        throw new Error(`${err}\n${system.logs().slice(-8000)}`);
      });
    await page.getByText(/^Lockdown in force/).waitFor({ timeout: 30_000 });
    const [lockdown, ...more] = await system.database.db
      .selectFrom('lockdown')
      .selectAll()
      .where('guild_id', '=', guildId)
      .execute();
    expect(more).toEqual([]);
    // Asked for by the detector (an admin's /lockdown start names the admin), and in force.
    expect(lockdown?.started_by).toBeNull();
    expect(lockdown?.shadow).toBe(false);
    // The score the page shows is the detector's, live, for the raid's joins.
    expect(await page.getByTestId('lockdown-state').textContent()).toContain(
      `score ${Number(lockdown?.score).toFixed(2)}`,
    );
    expect(await latest.textContent()).toMatch(
      /^Latest score \d\.\d\d at .+: [1-9]\d* joins? in the last minute/,
    );
    const shown = await page
      .locator('[data-testid=recent-joins] li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-user')));
    expect(shown.some((id) => id !== null && raiders.includes(id))).toBe(true);
    await playing;
    await shot('overview');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('overview-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('lifts the lockdown from the lockdowns page, and the sandbox gets its settings back', {
    timeout: 60_000,
  }, async () => {
    await page.getByRole('link', { name: 'Lockdowns' }).click();
    const active = page.locator('[data-status=active]');
    await active.waitFor({ timeout: 30_000 });
    const level = () => system.sandbox.state.guilds[guildId]?.verificationLevel;
    expect(level()).not.toBe(levelBeforeLockdown);
    await shot('lockdowns');
    await active.getByRole('button', { name: 'Lift' }).click();
    await page.getByText(/Sent: Lift/).waitFor();
    await waitFor(() => level() === levelBeforeLockdown, 'the verification level restored', 20_000).catch(
      (err) => {
        throw new Error(
          `${err}: level ${level()}, before ${levelBeforeLockdown}\n${system.logs().slice(-6000)}`,
        );
      },
    );
    // The page follows the lockdown's audit entries live: the lift shows without a reload.
    await page.locator('[data-status=lifted]').first().waitFor({ timeout: 20_000 });
    await shot('lockdowns-lifted');
  });

  it('refuses an invalid setting inline, saves a valid one, and the guard acts on the next message', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const threshold = page.locator('[data-field=spamThreshold] input');
    await threshold.fill('1');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('[data-field=spamThreshold] .field-error').waitFor();
    await shot('settings-invalid');
    await threshold.fill('3');
    const author = view(guildId).memberIds[0] ?? '';
    const general = view(guildId).channels.general ?? '';
    // Said before the word is filtered: "Try it" shows the new rule would have caught it.
    const earlier = system.sandbox.users.postMessage({
      channelId: general,
      userId: author,
      content: 'zebrafish are great',
    });
    await page.locator('[data-field=filteredWords] textarea').fill('zebrafish');
    await page.getByRole('button', { name: 'Try it on recent messages' }).click();
    const trial = page.getByTestId('trial');
    await trial.waitFor();
    expect(await trial.textContent()).toMatch(/would have caught [1-9]\d* of the last/);
    expect(await trial.textContent()).toContain('bad_word');
    expect(system.sandbox.state.guilds[guildId]?.messages[earlier.id]).toBeDefined();
    await shot('settings-try');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved 1 change.');
    await shot('settings');

    const since = Date.now();
    // The content-filter learns the change from the CONFIG stream; post until it acts.
    await waitFor(
      () => {
        system.sandbox.users.postMessage({
          channelId: view(guildId).channels.general ?? '',
          userId: author,
          content: 'a zebrafish!',
        });
        return system.sandbox.inspect.actions({ kind: 'message.deleted', guildId, since }).length > 0;
      },
      'the new filtered word deleted',
      20_000,
    ).catch(async (err) => {
      throw new Error(`${err}\n${system.logs()}`);
    });
  });

  it('shows the change in the audit log with the user’s name, and verifies the chain', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    const owner = system.sandbox.state.users[view(guildId).ownerId];
    const row = page.locator('[data-testid=audit-table] tr', { hasText: 'config.update' }).first();
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain(owner?.globalName ?? owner?.username ?? '?');
    expect(await row.textContent()).toContain('zebrafish');
    await page.getByRole('button', { name: 'Verify now' }).click();
    await expect.poll(() => page.getByTestId('verify-status').textContent()).toMatch(/^Chain intact/);
    await shot('audit');
  });

  it('saves the settings as a profile and applies it to a server from the servers page', async () => {
    await page.goto(`${dashboard.url}/#/g/${guildId}/settings`);
    await page.getByLabel('Profile name').fill('calm');
    await page.getByRole('button', { name: 'Save as profile' }).click();
    await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Saved as profile calm.');
    await page.goto(`${dashboard.url}/#/`);
    const profile = page.locator('[data-profile=calm]');
    await profile.getByLabel(view(guildId).name).check();
    await profile.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Profile calm applied to 1 server.').waitFor();
    await shot('profiles');
  });

  it('creates a campaign, counts a join through its invite, and finds the member with that invite', {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${dashboard.url}/#/g/${guildId}/invites`);
    const exactJoins = async () => {
      const text = (await page.getByTestId('join-sources').locator('li').first().textContent()) ?? '';
      const match = /^Exact(\d+)$/.exec(text);
      if (!match) throw new Error(`join sources begin with "${text}", not the exact count`);
      return Number(match[1]);
    };
    await page.locator('form input[name=name]').fill('spring-launch');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    const created = page.getByText(/^Campaign created: invite /);
    await created.waitFor();
    const code = /invite (\S+)\.$/.exec((await created.textContent()) ?? '')?.[1] ?? '';
    expect(system.sandbox.state.guilds[guildId]?.invites[code]).toBeDefined();
    const { user } = system.sandbox.users.addMember({ guildId, inviteCode: code });
    // The invite-tracker attributes the join; the page shows it pending (inside the fake window).
    const row = page.locator('[data-testid=campaigns] tr', { hasText: 'spring-launch' });
    await waitFor(
      async () => {
        await page.reload();
        await row.waitFor();
        return ((await row.locator('td').nth(7).textContent()) ?? '') === '1';
      },
      'the campaign’s join counted',
      30_000,
    );
    // The campaign's joins by who made the invite, named: one, still pending.
    const inviters = page.locator('[data-campaign-inviters=spring-launch]');
    await inviters.locator('summary').click();
    const inviterRows = await inviters
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    expect(inviterRows).toHaveLength(1);
    const [inviterCell = '', , , , , pending = ''] = inviterRows[0] ?? [];
    const invite = system.sandbox.state.guilds[guildId]?.invites[code];
    const inviterUser = system.sandbox.state.users[invite?.inviterId ?? ''];
    expect(inviterCell).toBe(`${inviterUser?.globalName ?? inviterUser?.username} (${invite?.inviterId})`);
    expect(pending).toBe('1');
    // The flood's joins came through invites too: the page counts every exact attribution the
    // invite-tracker recorded, the campaign's join among them.
    const exact = await system.database.db
      .selectFrom('member_join')
      .select(['user_id'])
      .where('guild_id', '=', guildId)
      .where('confidence', '=', 'exact')
      .execute();
    expect(exact.map((r) => r.user_id)).toContain(user.id);
    await page.reload();
    expect(await exactJoins()).toBe(exact.length);
    await shot('invites');

    await page.getByRole('link', { name: 'Members' }).click();
    await page.locator('input[name=q]').fill(user.id);
    await page.getByRole('button', { name: 'Search' }).click();
    const detail = page.getByTestId('member-detail');
    await detail.getByText(`invite ${code} (exact)`, { exact: false }).waitFor();
    // The member gate was off: the page says so rather than showing nothing.
    expect(await detail.getByTestId('member-verification').textContent()).toContain(
      'Never held by the member gate',
    );
    await shot('members');
  });

  it('refuses another server’s page, and signs out', async () => {
    await page.goto(`${dashboard.url}/#/g/${otherGuildId}/settings`);
    await page.getByText('You do not manage this server').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in with Discord' }).waitFor();
  });
});
