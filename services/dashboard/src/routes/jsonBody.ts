/** What a request body that is not JSON reads as: no schema accepts it, so it is refused (422). */
export const NOT_JSON = Symbol('not JSON');

/**
 * The request's JSON body, or NOT_JSON when it does not parse. Anything else that fails (the
 * body-size limit, a dropped connection) is not ours to turn into a refusal: it is thrown.
 */
export async function jsonBody(c: { req: { json(): Promise<unknown> } }): Promise<unknown> {
  try {
    return await c.req.json();
  } catch (err) {
    if (err instanceof SyntaxError) return NOT_JSON;
    throw err;
  }
}
