import type { EventPayload, LockdownAnswer } from '@chat-guard/events';
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from 'discord-api-types/v10';

export type LockdownAlert = EventPayload<'lockdown.alert'>;

const FIELD_LIMIT = 1024;
const COLORS = { active: 0xe74c3c, shadow: 0x9b59b6, confirmed: 0xc0392b, lifted: 0x2ecc71 } as const;

/** The custom_id of an alert button: `lockdown:<answer>:<lockdownId>` (at most 59 characters). */
export function lockdownCustomId(answer: LockdownAnswer, lockdownId: string): string {
  return `lockdown:${answer}:${lockdownId}`;
}

const BUTTONS: { answer: LockdownAnswer; label: string; style: APIButtonComponentWithCustomId['style'] }[] = [
  { answer: 'confirm-ban', label: 'Raid: ban them', style: ButtonStyle.Danger },
  { answer: 'confirm-kick', label: 'Raid: kick them', style: ButtonStyle.Primary },
  { answer: 'false-alarm', label: 'False alarm: lift and release', style: ButtonStyle.Success },
  { answer: 'extend', label: 'Extend', style: ButtonStyle.Secondary },
];

/** Where the lockdown stands, as the alert message shows it. */
export type AlertStatus = 'active' | 'confirmed' | 'lifted';

/** The status an alert of this kind leaves the lockdown in. */
export function statusAfter(kind: LockdownAlert['kind']): AlertStatus {
  if (kind === 'lifted') return 'lifted';
  return kind === 'confirmed' ? 'confirmed' : 'active';
}

/** The four answers while a lockdown holds; once confirmed only Extend stays live; none once lifted. */
export function alertButtons(
  lockdownId: string,
  status: AlertStatus,
): APIActionRowComponent<APIButtonComponent>[] {
  if (status === 'lifted') return [];
  const components = BUTTONS.map(
    (b): APIButtonComponentWithCustomId => ({
      type: ComponentType.Button,
      style: b.style,
      label: b.label,
      custom_id: lockdownCustomId(b.answer, lockdownId),
      disabled: status === 'confirmed' && b.answer !== 'extend',
    }),
  );
  return [{ type: ComponentType.ActionRow, components }];
}

function field(name: string, value: string, inline = true) {
  return { name, value: (value || '—').slice(0, FIELD_LIMIT), inline };
}

const who = (by: string | null) => (by === null ? 'Chat Guard' : /^\d+$/.test(by) ? `<@${by}>` : by);
const time = (ms: number) => `<t:${Math.floor(ms / 1000)}:f>`;
const percent = (share: number) => `${Math.round(share * 100)}%`;

function statusLine(alert: LockdownAlert, status: AlertStatus): string {
  if (status === 'lifted') return `Lifted by ${who(alert.by)} at ${time(alert.at)}`;
  if (status === 'confirmed') return `Confirmed as a raid by ${who(alert.by)} at ${time(alert.at)}`;
  const hold = alert.holdUntil === null ? '' : `, held at least until ${time(alert.holdUntil)}`;
  return alert.shadow ? `Watching (shadow mode)${hold}` : `Active${hold}`;
}

/**
 * The alert embed: score, reasons, joins, top invite, quarantine and the steps taken, with
 * shadow mode in the title, and the lockdown's status as of this alert.
 */
export function lockdownAlertEmbed(alert: LockdownAlert, status: AlertStatus): APIEmbed {
  const title = alert.shadow
    ? 'Possible raid: SHADOW MODE, nothing was changed'
    : 'Possible raid: the server is locked down';
  const color = status === 'lifted' ? COLORS.lifted : alert.shadow ? COLORS.shadow : COLORS[status];
  const reasons = alert.reasons.map((r) => `• ${r}`).join('\n') || 'No reasons given.';
  const invite = alert.topInvite
    ? `discord.gg/${alert.topInvite.code} (${percent(alert.topInvite.share)} of joins)`
    : 'none stands out';
  return {
    title,
    description: reasons.slice(0, 4096),
    color,
    fields: [
      field('Status', statusLine(alert, status), false),
      field('Raid score', alert.score.toFixed(2)),
      field('Joins (last minute)', String(alert.joinsLastMinute)),
      field('Top invite', invite),
      field('Quarantined', `${alert.quarantined} account${alert.quarantined === 1 ? '' : 's'}`),
      field('Mode', alert.shadow ? 'Shadow: scored and alerted only' : 'Enforce'),
      field('Steps taken', alert.steps.map((s) => `• ${s}`).join('\n') || 'none', false),
    ],
    timestamp: new Date(alert.at).toISOString(),
    footer: { text: `Chat Guard · lockdown ${alert.lockdownId}` },
  };
}

/** The short follow-up to an alert: what changed since the alert was posted. */
export function lockdownFollowUp(alert: LockdownAlert): string {
  const steps = alert.steps.length > 0 ? `\n${alert.steps.map((s) => `• ${s}`).join('\n')}` : '';
  const text = {
    started: `Possible raid (score ${alert.score.toFixed(2)}).`,
    lifted: `Lockdown lifted by ${who(alert.by)}.`,
    confirmed: `Raid confirmed by ${who(alert.by)}: ${alert.quarantined} quarantined account${alert.quarantined === 1 ? '' : 's'} dealt with.`,
    extended: `Lockdown extended by ${who(alert.by)}${alert.holdUntil === null ? '' : ` until ${time(alert.holdUntil)}`}.`,
    renewed: `The raid goes on (score ${alert.score.toFixed(2)}): the lockdown is renewed.`,
  }[alert.kind];
  const shadow = alert.shadow ? ' *(shadow mode: nothing was changed)*' : '';
  return `${text}${shadow}${steps}`.slice(0, 2000);
}
