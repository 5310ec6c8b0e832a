import { ComponentType, TextInputStyle } from 'discord-api-types/v10';
import { z } from 'zod';
import { parseBody } from '../restRouter.ts';
import type { SandboxModal, SandboxModalInput } from '../sandboxState.ts';

const textInput = z.strictObject({
  type: z.literal(ComponentType.TextInput),
  id: z.number().int().optional(),
  custom_id: z.string().min(1).max(100),
  style: z.union([z.literal(TextInputStyle.Short), z.literal(TextInputStyle.Paragraph)]),
  label: z.string().min(1).max(45).optional(),
  min_length: z.number().int().min(0).max(4000).optional(),
  max_length: z.number().int().min(1).max(4000).optional(),
  required: z.boolean().optional(),
  value: z.string().max(4000).optional(),
  placeholder: z.string().max(100).optional(),
});

const modalComponent = z.union([
  // The older layout: an action row holding one text input, which carries its own label.
  z.strictObject({
    type: z.literal(ComponentType.ActionRow),
    id: z.number().int().optional(),
    components: z.array(textInput.required({ label: true })).length(1),
  }),
  // The newer one: a label (with an optional description) around the text input.
  z.strictObject({
    type: z.literal(ComponentType.Label),
    id: z.number().int().optional(),
    label: z.string().min(1).max(45),
    description: z.string().max(100).optional(),
    component: textInput.omit({ label: true }),
  }),
  z.strictObject({
    type: z.literal(ComponentType.TextDisplay),
    id: z.number().int().optional(),
    content: z.string().min(1).max(4000),
  }),
]);

/** The `data` of an interaction response of type 9 (MODAL), as Discord validates it. */
export const modalBody = z.looseObject({
  custom_id: z.string().min(1).max(100),
  title: z.string().min(1).max(45),
  components: z.array(modalComponent).min(1).max(5),
});

/** Reads a modal response into what the user's client will enforce when they fill it in. */
export function parseModal(data: unknown): SandboxModal {
  const body = parseBody(modalBody, data);
  const inputs: SandboxModalInput[] = [];
  for (const component of body.components) {
    const input =
      component.type === ComponentType.ActionRow
        ? component.components[0]
        : component.type === ComponentType.Label
          ? component.component
          : undefined;
    if (!input) continue;
    inputs.push({
      customId: input.custom_id,
      style: input.style,
      required: input.required ?? true,
      minLength: input.min_length ?? 0,
      maxLength: input.max_length ?? 4000,
      inLabel: component.type === ComponentType.Label,
    });
  }
  return { customId: body.custom_id, title: body.title, inputs, submitted: false };
}
