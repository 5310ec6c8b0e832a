/** The length of text in Unicode code points (an emoji is one, as a reader counts; UTF-16 would say two). */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** The content's length in code points when it is over `maxLength`, else undefined. */
export function detectCharacterLimit(content: string, maxLength: number): number | undefined {
  // UTF-16 length is never less than the code-point count: most messages stop here.
  if (content.length <= maxLength) return undefined;
  const length = codePointLength(content);
  return length > maxLength ? length : undefined;
}
