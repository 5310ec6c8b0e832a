/** A Discord user as the pages show them: their name with the id beside it, or the id alone. */
export const named = (name: string | undefined, id: string): string => (name ? `${name} (${id})` : id);
