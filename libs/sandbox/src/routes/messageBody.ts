import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { z } from 'zod';
import { badRequest } from '../restRouter.ts';
import type { SandboxMessage } from '../sandboxState.ts';

/** The JSON body of a message send or edit (channel, interaction or webhook). */
export const messageBody = z
  .object({
    content: z.string().max(2000).optional(),
    embeds: z.array(z.looseObject({})).max(10).optional(),
    components: z
      .array(z.looseObject({ type: z.number().int() }))
      .max(5)
      .optional(),
    flags: z.number().int().optional(),
    nonce: z.union([z.string().max(25), z.number().int()]).optional(),
    enforce_nonce: z.boolean().optional(),
  })
  .loose();

/** Content, embeds and components of a message body; 400 50006 when all are empty. */
export function messageParts(
  body: z.infer<typeof messageBody>,
): Pick<SandboxMessage, 'content' | 'embeds' | 'components'> {
  const parts = {
    content: body.content ?? '',
    embeds: (body.embeds ?? []) as SandboxMessage['embeds'],
    components: (body.components ?? []) as SandboxMessage['components'],
  };
  if (!parts.content && parts.embeds.length === 0 && parts.components.length === 0) {
    throw badRequest(RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message');
  }
  return parts;
}
