import type { z } from 'zod';

/** One event on the bus: its schema, version, subject and the id that dedupes it. */
export interface EventDefinition<Schema extends z.ZodType = z.ZodType> {
  readonly version: number;
  readonly schema: Schema;
  /** Concrete subject a payload is published on (before the namespace prefix). */
  readonly subject: (payload: z.infer<Schema>) => string;
  /** Subject filter that matches every subject of this event. */
  readonly filter: string;
  /** Deterministic id of what happened, used as `Nats-Msg-Id`. */
  readonly dedupeId: (payload: z.infer<Schema>) => string;
}

/** Declares an event with its types inferred from the schema. */
export function defineEvent<Schema extends z.ZodType>(
  definition: EventDefinition<Schema>,
): EventDefinition<Schema> {
  return definition;
}
