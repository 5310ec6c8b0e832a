import { once } from 'node:events';
import { constants, inflateSync } from 'node:zlib';
import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

interface Payload {
  op: number;
  // biome-ignore lint/suspicious/noExplicitAny: gateway payloads are read field by field in assertions
  d: any;
  s: number | null;
  t: string | null;
}

/** A gateway client that follows Discord's documented protocol, nothing from discord.js. */
class RawGateway {
  readonly received: Payload[] = [];
  readonly #waiters: { test: (p: Payload) => boolean; resolve: (p: Payload) => void }[] = [];
  readonly ws: WebSocket;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => {
      const payload = JSON.parse(String(data)) as Payload;
      this.received.push(payload);
      for (const waiter of [...this.#waiters]) {
        if (waiter.test(payload)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(payload);
        }
      }
    });
  }

  next(test: (p: Payload) => boolean): Promise<Payload> {
    const seen = this.received.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  send(op: number, d: unknown): void {
    this.ws.send(JSON.stringify({ op, d }));
  }

  async closed(): Promise<number> {
    const [code] = (await once(this.ws, 'close')) as [number];
    return code;
  }
}

describe('a raw WebSocket client following the documented gateway protocol', () => {
  let sandbox: Sandbox;
  let url: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, guilds: 2, seed: 9 });
    const res = await fetch(`${sandbox.api}/v10/gateway/bot`, {
      headers: { authorization: `Bot ${sandbox.token}` },
    });
    const info = (await res.json()) as {
      url: string;
      shards: number;
      session_start_limit: { max_concurrency: number };
    };
    expect(info.shards).toBe(1);
    expect(info.session_start_limit.max_concurrency).toBeGreaterThan(0);
    url = `${info.url}?v=10&encoding=json`;
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('gets HELLO, a heartbeat ACK, READY with the documented fields and one GUILD_CREATE per guild', async () => {
    const gw = new RawGateway(url);
    const hello = await gw.next((p) => p.op === 10);
    expect(hello.d.heartbeat_interval).toBeGreaterThan(0);
    gw.send(1, null);
    await gw.next((p) => p.op === 11);
    gw.send(2, {
      token: sandbox.token,
      intents: (1 << 0) | (1 << 9),
      properties: { os: 'linux', browser: 'raw', device: 'raw' },
    });
    const ready = await gw.next((p) => p.t === 'READY');
    expect(ready.s).toBe(1);
    expect(ready.d.v).toBe(10);
    expect(ready.d.user.id).toBe(sandbox.botUserId);
    expect(ready.d.user.bot).toBe(true);
    expect(ready.d.application.id).toBe(sandbox.applicationId);
    expect(typeof ready.d.session_id).toBe('string');
    expect(ready.d.resume_gateway_url).toBe(sandbox.gatewayUrl);
    expect(ready.d.guilds).toEqual(sandbox.guilds.map((id) => ({ id, unavailable: true })));
    const creates = await Promise.all(
      sandbox.guilds.map((id) => gw.next((p) => p.t === 'GUILD_CREATE' && p.d.id === id)),
    );
    expect(creates.map((p) => p.s).sort()).toEqual([2, 3]);
    for (const create of creates) {
      expect(create.d.unavailable).toBe(false);
      expect(create.d.roles.some((r: { id: string }) => r.id === create.d.id)).toBe(true);
      expect(create.d.members.map((m: { user: { id: string } }) => m.user.id)).toEqual([sandbox.botUserId]);
      expect(create.d.channels.length).toBeGreaterThan(0);
      expect(create.d.member_count).toBeGreaterThan(1);
    }
    const info = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
    sandbox.actions.postMessage({
      channelId: info.channels.chat ?? '',
      userId: info.memberIds[0] ?? '',
      content: 'secret words',
    });
    const message = await gw.next((p) => p.t === 'MESSAGE_CREATE');
    expect(message.s).toBe(4);
    expect(message.d.content).toBe('');
    expect(message.d.guild_id).toBe(info.id);
    gw.ws.close();
  });

  it('closes with 4004 when IDENTIFY carries a wrong token', async () => {
    const gw = new RawGateway(url);
    await gw.next((p) => p.op === 10);
    const closed = gw.closed();
    gw.send(2, { token: 'wrong', intents: 1, properties: {} });
    expect(await closed).toBe(4004);
  });

  it('resumes a session on a new connection: missed dispatches are replayed, then RESUMED', async () => {
    const first = new RawGateway(url);
    await first.next((p) => p.op === 10);
    first.send(2, { token: sandbox.token, intents: (1 << 0) | (1 << 1), properties: {}, shard: [0, 1] });
    const ready = await first.next((p) => p.t === 'READY');
    const lastSeq = (await first.next((p) => p.s === 3)).s;
    first.ws.terminate();
    const guildId = sandbox.guilds[1] ?? '';
    const { user } = sandbox.actions.addMember({ guildId, user: { username: 'missed' } });
    const second = new RawGateway(`${ready.d.resume_gateway_url}?v=10&encoding=json`);
    await second.next((p) => p.op === 10);
    second.send(6, { token: sandbox.token, session_id: ready.d.session_id, seq: lastSeq });
    const replayed = await second.next((p) => p.t === 'GUILD_MEMBER_ADD');
    const resumed = await second.next((p) => p.t === 'RESUMED');
    expect(replayed.d.user.id).toBe(user.id);
    expect(replayed.s).toBe(4);
    expect(resumed.s).toBe(5);
    second.ws.close();
  });

  it('answers RESUME of an unknown session with op 9 Invalid Session (d: false)', async () => {
    const gw = new RawGateway(url);
    await gw.next((p) => p.op === 10);
    gw.send(6, { token: sandbox.token, session_id: 'nope', seq: 1 });
    const invalid = await gw.next((p) => p.op === 9);
    expect(invalid.d).toBe(false);
    gw.ws.close();
  });

  it('with compress=zlib-stream sends one zlib-flushed binary frame per payload of one stream', async () => {
    const ws = new WebSocket(`${url}&compress=zlib-stream`);
    const frames: Buffer[] = [];
    const payloads: Payload[] = [];
    const got = (count: number) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (payloads.length >= count) resolve();
          else setTimeout(check, 5);
        };
        check();
      });
    ws.on('message', (data, isBinary) => {
      expect(isBinary).toBe(true);
      const frame = data as Buffer;
      expect([...frame.subarray(-4)]).toEqual([0x00, 0x00, 0xff, 0xff]);
      const before = frames.length
        ? inflateSync(Buffer.concat(frames), { finishFlush: constants.Z_SYNC_FLUSH }).length
        : 0;
      frames.push(frame);
      const text = inflateSync(Buffer.concat(frames), { finishFlush: constants.Z_SYNC_FLUSH })
        .subarray(before)
        .toString();
      payloads.push(JSON.parse(text) as Payload);
    });
    await got(1);
    expect(payloads[0]?.op).toBe(10);
    ws.send(JSON.stringify({ op: 2, d: { token: sandbox.token, intents: 1, properties: {} } }));
    await got(1 + 1 + sandbox.guilds.length);
    expect(payloads.slice(1).map((p) => p.t)).toEqual(['READY', ...sandbox.guilds.map(() => 'GUILD_CREATE')]);
    ws.close();
  });
});
