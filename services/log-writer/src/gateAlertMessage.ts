import type { EventPayload } from '@chat-guard/events';
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from 'discord-api-types/v10';

export type GateAlert = EventPayload<'gate.alert'>;

/** What an admin can do from a gate alert: lock the server down at once, or end the gate. */
export type GateAnswer = 'lockdown' | 'end';

/** The custom_id of a gate alert button: `gate:<lockdown|end>:<gateId>` (at most 50 characters). */
export function gateCustomId(answer: GateAnswer, gateId: string): string {
  return `gate:${answer}:${gateId}`;
}

const FIELD_LIMIT = 1024;
const COLORS = { active: 0xe67e22, ended: 0x2ecc71 } as const;
export const GATE_ALERT_TITLE = 'Raid suspected — newcomers must verify';

const who = (by: string | null) => (by === null || by === 'detector' ? 'Chat Guard' : `<@${by}>`);
const time = (ms: number) => `<t:${Math.floor(ms / 1000)}:f>`;

function field(name: string, value: string, inline = true) {
  return { name, value: (value || '—').slice(0, FIELD_LIMIT), inline };
}

const HOW: Record<GateAlert['mode'], string> = {
  off: 'Member gate off: the verification level holds newcomers back',
  rules: 'Member gate on entry checks only: the verification level holds newcomers back',
  'on-alert': 'Member gate (on alert): newcomers must pass the verify page',
  always: 'Member gate (always on): newcomers must pass the verify page',
};

/**
 * The gate alert embed: why (reasons), score, joins in the last minute, how newcomers are held
 * back and the step taken; its status shows whether the gate still holds.
 */
export function gateAlertEmbed(alert: GateAlert, ended: { by: string | null; at: number } | null): APIEmbed {
  const reasons = alert.reasons.map((r) => `• ${r}`).join('\n') || 'No reasons given.';
  const status = ended
    ? `Ended by ${who(ended.by)} at ${time(ended.at)}`
    : 'Active: existing members and invites are untouched';
  return {
    title: GATE_ALERT_TITLE,
    description: reasons.slice(0, 4096),
    color: ended ? COLORS.ended : COLORS.active,
    fields: [
      field('Status', status, false),
      field('Raid score', alert.score.toFixed(2)),
      field('Joins (last minute)', String(alert.joinsLastMinute)),
      field('Newcomers', HOW[alert.mode], false),
      field('Step taken', alert.step, false),
    ],
    timestamp: new Date(alert.at).toISOString(),
    footer: { text: `Chat Guard · gate ${alert.gateId}` },
  };
}

/** Lock down now (an admin's confirmation) and End gate, while the gate holds; none once it ended. */
export function gateButtons(gateId: string, ended: boolean): APIActionRowComponent<APIButtonComponent>[] {
  if (ended) return [];
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.Button,
          style: ButtonStyle.Danger,
          label: 'Lock down now',
          custom_id: gateCustomId('lockdown', gateId),
        },
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          label: 'End gate',
          custom_id: gateCustomId('end', gateId),
        },
      ],
    },
  ];
}

/** The follow-up when the gate ends: who ended it and what was put back. */
export function gateFollowUp(alert: GateAlert): string {
  const by = alert.by === 'detector' ? 'the raid detector (the joins calmed down)' : who(alert.by);
  return `Gate ended by ${by}: newcomers no longer need to verify for this alert.\n• ${alert.step}`.slice(
    0,
    2000,
  );
}
