import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
} from 'discord-api-types/v10';
import { type WebSocket, WebSocketServer } from 'ws';
import { guildCreatePayload, readyPayload } from './gatewayPayloads.ts';
import { ALL_INTENTS, filterForIntents } from './intents.ts';
import { apiMember } from './payloads.ts';
import type { SandboxState } from './sandboxState.ts';
import { shardOf } from './snowflake.ts';
import { zlibStreamSender } from './zlibStream.ts';

/** One gateway session: it outlives its connection so it can be resumed. */
export interface GatewaySession {
  readonly id: string;
  readonly shard: [number, number];
  readonly intents: number;
  readonly largeThreshold: number;
  seq: number;
  /** Sent dispatches kept for RESUME, oldest first. */
  readonly sent: { s: number; json: string }[];
  socket: WebSocket | null;
  /** When the last connection closed (ms), or null while connected. */
  disconnectedAt: number | null;
}

export interface GatewayOptions {
  readonly state: SandboxState;
  readonly heartbeatIntervalMs: number;
  /** The ws:// URL clients connect and resume to. */
  readonly url: () => string;
  readonly log?: (message: string) => void;
}

const REPLAY_LIMIT = 5000;
/** How long a session without a connection stays resumable. */
const RESUMABLE_MS = 5 * 60_000;

/** Discord's gateway over WebSocket: HELLO, IDENTIFY/READY, heartbeats, RESUME, sharded dispatches. */
export class GatewayServer {
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sessions = new Map<string, GatewaySession>();
  /** Connections that asked for `compress=zlib-stream`, with their compressing sender. */
  readonly #senders = new WeakMap<WebSocket, (json: string) => void>();

  constructor(private readonly options: GatewayOptions) {
    this.#wss.on('connection', (socket, request) => this.#accept(socket, request));
  }

  /** Takes over an HTTP upgrade request for `/gateway`. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#wss.emit('connection', ws, request));
  }

  /** Sessions, for inspection and tests. */
  sessions(): readonly GatewaySession[] {
    return [...this.#sessions.values()];
  }

  /** Sends a dispatch to every session whose shard owns `guildId` and whose intents cover the event. */
  dispatch(event: string, data: unknown, guildId: string | null): void {
    this.#expireSessions();
    for (const session of this.#sessions.values()) {
      const [shardId, shardCount] = session.shard;
      if ((guildId === null ? 0 : shardOf(guildId, shardCount)) !== shardId) continue;
      const visible = filterForIntents(session.intents, event, data, this.options.state.botUserId);
      if (visible !== null) this.#send(session, event, visible);
    }
  }

  /** Sends GUILD_CREATE for a guild that appeared after READY. */
  announceGuild(guildId: string): void {
    for (const session of this.#sessions.values()) {
      if (shardOf(guildId, session.shard[1]) === session.shard[0]) this.#announceGuildTo(session, guildId);
    }
  }

  /** Cuts every open connection without a close frame, as a network failure would (clients resume). */
  dropConnections(): number {
    let dropped = 0;
    for (const ws of this.#wss.clients) {
      ws.terminate();
      dropped++;
    }
    return dropped;
  }

  /**
   * Forgets every session, as Discord does once a session expires: a RESUME of any of them is
   * answered with op 9 Invalid Session (`d: false`). Open connections are cut.
   */
  invalidateSessions(): number {
    const forgotten = this.#sessions.size;
    for (const ws of this.#wss.clients) ws.terminate();
    this.#sessions.clear();
    return forgotten;
  }

  /** Sends op 7 Reconnect to every open connection. */
  requestReconnect(): void {
    for (const ws of this.#wss.clients)
      this.#sendRaw(ws, JSON.stringify({ op: GatewayOpcodes.Reconnect, d: null }));
  }

  /** Closes every connection and forgets every session. */
  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    this.#sessions.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #sendRaw(ws: WebSocket, json: string): void {
    const compressed = this.#senders.get(ws);
    if (compressed) compressed(json);
    else ws.send(json);
  }

  #expireSessions(): void {
    const now = Date.now();
    for (const [id, session] of this.#sessions) {
      if (session.disconnectedAt !== null && now - session.disconnectedAt > RESUMABLE_MS)
        this.#sessions.delete(id);
    }
  }

  #send(session: GatewaySession, event: string, data: unknown): void {
    session.seq++;
    const json = JSON.stringify({ op: GatewayOpcodes.Dispatch, t: event, s: session.seq, d: data });
    session.sent.push({ s: session.seq, json });
    if (session.sent.length > REPLAY_LIMIT) session.sent.shift();
    if (session.socket?.readyState === 1) this.#sendRaw(session.socket, json);
  }

  #accept(ws: WebSocket, request: IncomingMessage): void {
    const query = new URL(request.url ?? '/', 'http://gateway').searchParams;
    const version = query.get('v') ?? '10';
    if (version !== '10' && version !== '9') {
      ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    if ((query.get('encoding') ?? 'json') !== 'json') {
      ws.close(GatewayCloseCodes.DecodeError, 'Only json encoding is supported');
      return;
    }
    if (query.get('compress') === 'zlib-stream') {
      this.#senders.set(
        ws,
        zlibStreamSender(ws, (err) => this.options.log?.(`gateway: zlib failed: ${err.message}`)),
      );
    } else if (query.has('compress')) {
      ws.close(GatewayCloseCodes.DecodeError, 'Unsupported compression');
      return;
    }
    this.#sendRaw(
      ws,
      JSON.stringify({
        op: GatewayOpcodes.Hello,
        d: { heartbeat_interval: this.options.heartbeatIntervalMs },
      }),
    );
    let session: GatewaySession | null = null;
    ws.on('message', (raw, isBinary) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        payload = JSON.parse(isBinary ? Buffer.from(raw as Buffer).toString('utf8') : String(raw));
      } catch (err) {
        this.options.log?.(`gateway: undecodable payload (${String(err)})`);
        ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
        return;
      }
      const next = this.#handle(ws, session, payload);
      if (next) session = next;
    });
    ws.on('close', () => {
      if (session && session.socket === ws) {
        session.socket = null;
        session.disconnectedAt = Date.now();
      }
    });
  }

  #handle(
    ws: WebSocket,
    session: GatewaySession | null,
    payload: { op?: unknown; d?: unknown },
  ): GatewaySession | null {
    const d = (payload.d ?? {}) as Record<string, unknown>;
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.#sendRaw(ws, JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
        return null;
      case GatewayOpcodes.Identify:
        if (session) ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
        else return this.#identify(ws, d);
        return null;
      case GatewayOpcodes.Resume:
        return this.#resume(ws, d);
      case GatewayOpcodes.RequestGuildMembers:
        if (!session) ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        else this.#requestMembers(session, d);
        return null;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
        if (!session) ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        return null;
      default:
        ws.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
        return null;
    }
  }

  #tokenMatches(token: unknown): boolean {
    const expected = this.options.state.token;
    return token === expected || token === `Bot ${expected}`;
  }

  #identify(ws: WebSocket, d: Record<string, unknown>): GatewaySession | null {
    if (!this.#tokenMatches(d.token)) {
      ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || (intents & ~ALL_INTENTS) !== 0) {
      ws.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return null;
    }
    const shard = (d.shard ?? [0, 1]) as unknown;
    const [shardId, shardCount] = Array.isArray(shard) ? shard : [];
    if (
      typeof shardId !== 'number' ||
      typeof shardCount !== 'number' ||
      !Number.isInteger(shardId) ||
      shardCount < 1 ||
      shardId < 0 ||
      shardId >= shardCount
    ) {
      ws.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return null;
    }
    const threshold =
      typeof d.large_threshold === 'number' ? Math.min(250, Math.max(50, d.large_threshold)) : 50;
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      shard: [shardId, shardCount],
      intents,
      largeThreshold: threshold,
      seq: 0,
      sent: [],
      socket: ws,
      disconnectedAt: null,
    };
    this.#sessions.set(session.id, session);
    const { state } = this.options;
    const guildIds = Object.keys(state.guilds).filter((id) => shardOf(id, shardCount) === shardId);
    this.options.log?.(`gateway: shard ${shardId}/${shardCount} identified with intents ${intents}`);
    this.#send(
      session,
      GatewayDispatchEvents.Ready,
      readyPayload(state, guildIds, session.id, this.options.url(), session.shard),
    );
    for (const id of guildIds) this.#announceGuildTo(session, id);
    return session;
  }

  #announceGuildTo(session: GatewaySession, guildId: string): void {
    const guild = this.options.state.guilds[guildId];
    if (!guild || (session.intents & GatewayIntentBits.Guilds) === 0) return;
    const payload = guildCreatePayload(this.options.state, guild, session.intents, session.largeThreshold);
    this.#send(session, GatewayDispatchEvents.GuildCreate, payload);
  }

  #resume(ws: WebSocket, d: Record<string, unknown>): GatewaySession | null {
    if (!this.#tokenMatches(d.token)) {
      ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    const session = typeof d.session_id === 'string' ? this.#sessions.get(d.session_id) : undefined;
    const seq = typeof d.seq === 'number' ? d.seq : -1;
    const oldest = session?.sent[0]?.s ?? 1;
    if (!session || seq < 0 || seq > session.seq || (seq + 1 < oldest && session.seq > seq)) {
      this.#sendRaw(ws, JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false }));
      return null;
    }
    if (session.socket && session.socket !== ws) session.socket.terminate();
    session.socket = ws;
    session.disconnectedAt = null;
    for (const entry of session.sent) if (entry.s > seq) this.#sendRaw(ws, entry.json);
    this.options.log?.(`gateway: session ${session.id} resumed from seq ${seq}`);
    this.#send(session, GatewayDispatchEvents.Resumed, null);
    return session;
  }

  #requestMembers(session: GatewaySession, d: Record<string, unknown>): void {
    const { state } = this.options;
    const guild = typeof d.guild_id === 'string' ? state.guilds[d.guild_id] : undefined;
    if (!guild) return;
    const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const ids = Array.isArray(d.user_ids) ? new Set(d.user_ids.map(String)) : null;
    const limit = typeof d.limit === 'number' && d.limit > 0 ? d.limit : Number.POSITIVE_INFINITY;
    const members = Object.values(guild.members)
      .filter((m) => (ids ? ids.has(m.userId) : (state.users[m.userId]?.username ?? '').startsWith(query)))
      .slice(0, limit);
    const data = {
      guild_id: guild.id,
      members: members.map((m) => apiMember(state, m)),
      chunk_index: 0,
      chunk_count: 1,
      not_found: ids ? [...ids].filter((id) => !guild.members[id]) : [],
      ...(typeof d.nonce === 'string' ? { nonce: d.nonce } : {}),
    };
    const visible = filterForIntents(
      session.intents,
      GatewayDispatchEvents.GuildMembersChunk,
      data,
      state.botUserId,
    );
    if (visible !== null) this.#send(session, GatewayDispatchEvents.GuildMembersChunk, visible);
  }
}
