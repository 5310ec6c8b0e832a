import type { GuildSpec } from './guildSeed.ts';
import type {
  ButtonClickInput,
  InteractionActions,
  ModalSubmitInput,
  SlashCommandInput,
} from './interactions.ts';
import type { SandboxCore } from './sandboxCore.ts';
import type { SandboxGuild, SandboxInteraction, SandboxMessage } from './sandboxState.ts';
import type { PostMessageInput, UserActions } from './userActions.ts';

/** Everything a test can make users (and Discord) do in the sandbox, in one place. */
export interface SandboxActions
  extends Pick<
    UserActions,
    'editMessage' | 'deleteMessage' | 'user' | 'addMember' | 'removeMember' | 'createInvite' | 'setVanityCode'
  > {
  /** A member sends a message (MESSAGE_CREATE); refused while timed out, in slowmode or without Send Messages. */
  postMessage(input: PostMessageInput): SandboxMessage;
  postMessage(guildId: string, channelId: string, userId: string, content: string): SandboxMessage;
  /** A member runs a slash command with options (INTERACTION_CREATE). */
  runSlashCommand(input: SlashCommandInput): SandboxInteraction;
  /** A member clicks a button on a message, in a guild or on a DM from the bot (INTERACTION_CREATE). */
  clickButton(input: ButtonClickInput): SandboxInteraction;
  /** The user submits the modal the bot showed them (INTERACTION_CREATE, MODAL_SUBMIT). */
  submitModal(input: ModalSubmitInput): SandboxInteraction;
  /** A guild appears (GUILD_CREATE to its shard), seeded like the others. */
  createGuild(guildId: string, spec?: GuildSpec): SandboxGuild;
}

/** Binds user and interaction simulations into one object. */
export function sandboxActions(
  core: SandboxCore,
  users: UserActions,
  interactions: InteractionActions,
): SandboxActions {
  function postMessage(input: PostMessageInput): SandboxMessage;
  function postMessage(guildId: string, channelId: string, userId: string, content: string): SandboxMessage;
  function postMessage(
    first: PostMessageInput | string,
    channelId = '',
    userId = '',
    content = '',
  ): SandboxMessage {
    return users.postMessage(
      typeof first === 'string' ? { guildId: first, channelId, userId, content } : first,
    );
  }
  return {
    postMessage,
    editMessage: (channel, message, text) => users.editMessage(channel, message, text),
    deleteMessage: (channel, message) => users.deleteMessage(channel, message),
    user: (input) => users.user(input),
    addMember: (input) => users.addMember(input),
    removeMember: (guildId, userId) => users.removeMember(guildId, userId),
    createInvite: (input) => users.createInvite(input),
    setVanityCode: (guildId, code) => users.setVanityCode(guildId, code),
    runSlashCommand: (input) => interactions.runSlashCommand(input),
    clickButton: (input) => interactions.clickButton(input),
    submitModal: (input) => interactions.submitModal(input),
    createGuild: (guildId, spec) => core.createGuild(guildId, spec),
  };
}
