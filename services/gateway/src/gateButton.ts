import { gateId } from '@chat-guard/events';
import { PermissionFlagsBits } from 'discord-api-types/v10';

/** The custom_ids of a gate alert's buttons: `gate:lockdown:<gateId>` and `gate:end:<gateId>`. */
export const GATE_BUTTON_PREFIXES = ['gate:lockdown:', 'gate:end:'] as const;

/** Whether a custom_id is one of a gate alert's two buttons (other `gate:` ids are not ours). */
export function isGateButton(customId: string): boolean {
  return GATE_BUTTON_PREFIXES.some((prefix) => customId.startsWith(prefix));
}

export interface GateClick {
  readonly guildId: string;
  readonly customId: string;
  /** The clicker's computed permissions in the channel. */
  readonly memberPermissions: bigint;
}

export type GateClickDecision =
  | { readonly kind: 'refuse'; readonly reply: string }
  | { readonly kind: 'lockdown' | 'end'; readonly gateId: string };

const has = (permissions: bigint, flag: bigint) => (permissions & flag) === flag;

/** Reads the button, checks the gate belongs to this guild and the clicker has Manage Server. */
export function decideGateClick(click: GateClick): GateClickDecision {
  const [prefix, answer, id, ...rest] = click.customId.split(':');
  const gate = gateId.safeParse(id);
  if (prefix !== 'gate' || (answer !== 'lockdown' && answer !== 'end') || rest.length > 0 || !gate.success) {
    return {
      kind: 'refuse',
      reply: `This button is not one Chat Guard understands (\`${click.customId.slice(0, 100)}\`); nothing was done.`,
    };
  }
  if (!gate.data.startsWith(`${click.guildId}-`))
    return { kind: 'refuse', reply: 'That alert belongs to another server; nothing was done.' };
  const permissions = click.memberPermissions;
  if (
    !has(permissions, PermissionFlagsBits.Administrator) &&
    !has(permissions, PermissionFlagsBits.ManageGuild)
  )
    return {
      kind: 'refuse',
      reply:
        'Only members with Manage Server can lock the server down or end a gate, and you do not have it. Nothing was done.',
    };
  return { kind: answer, gateId: gate.data };
}
