/** A wrong argument or a missing permission, answered with an ephemeral message that says which. */
export class CommandRefused extends Error {
  constructor(readonly reply: string) {
    super(reply);
    this.name = 'CommandRefused';
  }
}
