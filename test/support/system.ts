import { connectBus, type EventBus } from '@chat-guard/bus';
import { topology } from '@chat-guard/events';
import { type Sandbox, type SandboxOptions, startSandbox } from '@chat-guard/sandbox';
import { NATS_URL, uniqueNamespace, waitFor } from './bus.ts';
import { migratedDatabase } from './postgres.ts';
import { type Spawned, spawnService } from './processes.ts';

export type ServiceName =
  | 'gateway'
  | 'content-filter'
  | 'invite-tracker'
  | 'anomaly-detector'
  | 'enforcer'
  | 'log-writer'
  | 'verifier';

/**
 * A whole Chat Guard for one test file: the sandbox in this process, a fresh database, its own
 * NATS namespace, and services as child processes pointed at all three.
 */
export async function startSystem(options: { sandbox?: SandboxOptions } = {}) {
  const sandbox: Sandbox = await startSandbox({ guilds: 1, seed: 7, ...options.sandbox });
  const database = await migratedDatabase();
  const namespace = uniqueNamespace();
  const bus: EventBus = await connectBus({ servers: NATS_URL, name: 'test-system', namespace, topology });
  await bus.provision();
  const running = new Map<Spawned, ServiceName>();

  const env = (name: ServiceName): NodeJS.ProcessEnv => ({
    NATS_URL,
    NATS_NAMESPACE: namespace,
    DATABASE_URL: database.url,
    DISCORD_API_URL: sandbox.api,
    DISCORD_TOKEN: sandbox.token,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
    LOG_FLUSH_INTERVAL_MS: '200',
    OTEL_SERVICE_NAME: name,
  });

  return {
    sandbox,
    database,
    bus,
    namespace,
    /** Starts a service and resolves when it reports ready. */
    async start(name: ServiceName, extraEnv: NodeJS.ProcessEnv = {}): Promise<Spawned> {
      const service = spawnService(name, { ...env(name), ...extraEnv });
      running.set(service, name);
      await service.waitForOutput(/"msg":"ready"/, 60_000);
      return service;
    },
    async stop(): Promise<void> {
      for (const service of running.keys())
        if (service.child.exitCode === null) service.child.kill('SIGTERM');
      await Promise.all([...running.keys()].map((s) => s.exited));
      for (const stream of topology.streams) await bus.jsm.streams.delete(bus.ns.stream(stream.name));
      await bus.nc.close();
      await database.close();
      await sandbox.close();
    },
    /** The guild's admin runs a slash command in #general; resolves with the gateway's reply. */
    async command(
      guildId: string,
      name: string,
      options: Record<string, string | number | boolean>,
      subcommand?: string,
    ): Promise<string> {
      const view = sandbox.inspect.guild(guildId);
      const since = Date.now();
      const interaction = sandbox.interactions.runSlashCommand({
        guildId,
        channelId: view.channels.general ?? '',
        userId: view.adminId ?? '',
        name,
        options,
        ...(subcommand ? { subcommand } : {}),
      });
      const reply = () =>
        sandbox.inspect
          .actions({ kind: 'message.edited', guildId, since })
          .find((a) => a.data.interactionId === interaction.id);
      await waitFor(() => reply() !== undefined, `the reply to /${name}`, 20_000);
      return String(reply()?.data.content);
    },
    /** Everything the services printed, for a failing test's message. */
    logs(): string {
      return [...running.entries()].map(([s, name]) => `--- ${name}\n${s.output()}`).join('\n');
    },
  };
}

export type System = Awaited<ReturnType<typeof startSystem>>;
