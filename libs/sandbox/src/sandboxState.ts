import type { APIApplicationCommand, APIEmbed, APIMessageComponent } from 'discord-api-types/v10';

/** A Discord account. `avatar` is null for a default avatar; the id encodes the creation time. */
export interface SandboxUser {
  id: string;
  username: string;
  globalName: string | null;
  avatar: string | null;
  bot: boolean;
}

export interface SandboxRole {
  id: string;
  name: string;
  /** Permission bits as a decimal string, like Discord sends them. */
  permissions: string;
  position: number;
  color: number;
  hoist: boolean;
  managed: boolean;
  mentionable: boolean;
}

/** A channel permission overwrite: type 0 is a role, 1 a member. */
export interface SandboxOverwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface SandboxChannel {
  id: string;
  guildId: string;
  name: string;
  topic: string | null;
  position: number;
  rateLimitPerUser: number;
  permissionOverwrites: SandboxOverwrite[];
  lastMessageId: string | null;
}

export interface SandboxMember {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: number;
  /** ISO time until which the member is timed out, or null. */
  communicationDisabledUntil: string | null;
  /** The invite code the member joined through, `"vanity"`, or null. */
  inviteCode: string | null;
  /** Who made that invite (what Discord's member search reports as `inviter_id`). */
  inviterId?: string | null;
  /** The vanity code at the time, for a join through the vanity URL. */
  joinCode?: string | null;
}

export interface SandboxMessage {
  id: string;
  guildId: string;
  channelId: string;
  authorId: string;
  content: string;
  embeds: APIEmbed[];
  components: APIMessageComponent[];
  createdAt: number;
  editedAt: number | null;
  flags: number;
  /** The interaction this message answers, if any. */
  interactionId: string | null;
  webhookId: string | null;
}

export interface SandboxInvite {
  code: string;
  guildId: string;
  channelId: string;
  inviterId: string | null;
  uses: number;
  maxUses: number;
  maxAge: number;
  temporary: boolean;
  createdAt: number;
}

export interface IncidentsData {
  invites_disabled_until: string | null;
  dms_disabled_until: string | null;
}

export interface SandboxGuild {
  id: string;
  name: string;
  ownerId: string;
  verificationLevel: number;
  vanityCode: string | null;
  vanityUses: number;
  incidentsData: IncidentsData | null;
  roles: Record<string, SandboxRole>;
  channels: Record<string, SandboxChannel>;
  members: Record<string, SandboxMember>;
  messages: Record<string, SandboxMessage>;
  invites: Record<string, SandboxInvite>;
  bans: Record<string, { userId: string; reason: string | null }>;
  commands: APIApplicationCommand[];
}

/** A text input of a modal the bot showed, as the user's client enforces it. */
export interface SandboxModalInput {
  customId: string;
  /** 1 short, 2 paragraph. */
  style: number;
  required: boolean;
  minLength: number;
  maxLength: number;
  /** Whether it sits in a label (type 18) or an action row (type 1), as the submission echoes it. */
  inLabel: boolean;
}

/** A modal the bot answered an interaction with, which the user may submit once. */
export interface SandboxModal {
  customId: string;
  title: string;
  inputs: SandboxModalInput[];
  submitted: boolean;
}

/** An interaction the sandbox sent and whether the bot has answered it. */
export interface SandboxInteraction {
  id: string;
  token: string;
  type: number;
  /** Null for an interaction in the bot's DM with the user (a button on a DM, say). */
  guildId: string | null;
  channelId: string;
  userId: string;
  createdAt: number;
  responded: boolean;
  /** The message the original response created (or the clicked message). */
  originalMessageId: string | null;
  sourceMessageId: string | null;
  /** The modal the bot answered with (response type 9), if it did. */
  modal?: SandboxModal | null;
}

/** All the sandbox knows, as plain data. */
export interface SandboxState {
  token: string;
  application: { id: string; name: string; flags: number };
  botUserId: string;
  users: Record<string, SandboxUser>;
  guilds: Record<string, SandboxGuild>;
  globalCommands: APIApplicationCommand[];
  interactions: Record<string, SandboxInteraction>;
  /** DM channels the bot opened, with what it sent there. */
  dmChannels: Record<string, SandboxDmChannel>;
}

/** A message in a DM channel (always the bot's: DMs from users are not simulated). */
export interface SandboxDmMessage {
  id: string;
  content: string;
  embeds: APIEmbed[];
  components: APIMessageComponent[];
  createdAt: number;
  editedAt?: number | null;
  flags?: number;
  /** The interaction this message answers, if any. */
  interactionId?: string | null;
}

/** A direct-message channel between the bot and one user. */
export interface SandboxDmChannel {
  id: string;
  userId: string;
  messages: SandboxDmMessage[];
}
