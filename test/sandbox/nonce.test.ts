import { startSandbox } from '@chat-guard/sandbox';
import { expect, it } from 'vitest';

it('answers a repeated send with the same enforced nonce with the first message, as Discord does', async () => {
  const sandbox = await startSandbox({ guilds: 1, seed: 3 });
  try {
    const [guildId] = sandbox.guilds;
    const channelId = sandbox.inspect.guild(guildId ?? '').channels.general ?? '';
    const send = async (nonce: string, enforce: boolean) => {
      const res = await fetch(`${sandbox.api}/v10/channels/${channelId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bot ${sandbox.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'warning', nonce, enforce_nonce: enforce }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { id: string }).id;
    };
    const first = await send('abc123', true);
    expect(await send('abc123', true)).toBe(first);
    expect(await send('abc123', false)).not.toBe(first);
    expect(await send('other', true)).not.toBe(first);
    expect(sandbox.inspect.actions({ kind: 'message.sent', channelId })).toHaveLength(3);
  } finally {
    await sandbox.close();
  }
});
