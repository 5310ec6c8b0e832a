import { existsSync, readFileSync } from 'node:fs';
import { consumersOf } from '@chat-guard/events';
import { parseEnv } from '@chat-guard/runtime';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { services } from '../../libs/cli/src/services.ts';
import { gatewayEnv } from '../../services/gateway/src/gatewayEnv.ts';
import { repoRoot } from '../support/processes.ts';
import { type K8sObject, OVERLAYS, podSpec, render, validate, WORKLOAD_KINDS } from './render.ts';

const rendered = Object.fromEntries(OVERLAYS.map((path) => [path, render(path)])) as Record<
  (typeof OVERLAYS)[number],
  K8sObject[]
>;
const production = rendered['overlays/production'];
const version = (JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { version: string }).version;
/** Ops ports: the services' from the CLI's list (the verifier and the dashboard among them), as agreed. */
const opsPorts: Record<string, number> = {
  ...Object.fromEntries(services.map((s) => [s.name, s.httpPort])),
  verifier: 8087,
  dashboard: 8088,
};
const chatGuard = (objects: K8sObject[]) =>
  objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'chat-guard');
const workloads = (objects: K8sObject[]) => objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
// biome-ignore lint/suspicious/noExplicitAny: rendered YAML
const containersOf = (object: K8sObject): any[] => [
  ...(podSpec(object)?.initContainers ?? []),
  ...(podSpec(object)?.containers ?? []),
];

describe.each(OVERLAYS)('kubectl kustomize deploy/kubernetes/%s', (path) => {
  const objects = rendered[path];

  it('renders objects that each validate against the Kubernetes OpenAPI schema or their CRD', async () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const object of objects) await validate(object);
  });

  it('runs every pod under Pod Security "restricted"', () => {
    const namespace = objects.find((o) => o.kind === 'Namespace');
    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const workload of workloads(objects)) {
      const pod = podSpec(workload);
      const where = `${workload.kind} ${workload.metadata.name}`;
      expect(pod.securityContext?.runAsNonRoot, where).toBe(true);
      expect(pod.securityContext?.runAsUser ?? 1, where).not.toBe(0);
      expect(pod.hostNetwork ?? false, where).toBe(false);
      expect(pod.hostPID ?? false, where).toBe(false);
      expect(pod.hostIPC ?? false, where).toBe(false);
      for (const volume of pod.volumes ?? []) expect(volume.hostPath, where).toBeUndefined();
      for (const container of containersOf(workload)) {
        const at = `${where} container ${container.name}`;
        const security = container.securityContext ?? {};
        expect(security.allowPrivilegeEscalation, at).toBe(false);
        expect(security.privileged ?? false, at).toBe(false);
        expect(security.capabilities?.drop, at).toContain('ALL');
        expect(security.capabilities?.add ?? [], at).toEqual([]);
        expect(security.readOnlyRootFilesystem, at).toBe(true);
        const seccomp = security.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
        expect(seccomp, at).toBe('RuntimeDefault');
      }
    }
  });

  it('gives every container resources, and every long-running one liveness and readiness probes', () => {
    for (const workload of workloads(objects)) {
      for (const container of containersOf(workload)) {
        const at = `${workload.kind} ${workload.metadata.name} container ${container.name}`;
        expect(container.resources?.requests?.cpu, at).toBeDefined();
        expect(container.resources?.requests?.memory, at).toBeDefined();
        expect(container.resources?.limits?.memory, at).toBeDefined();
        if (workload.kind === 'Job') continue; // runs to completion: nothing to probe
        expect(container.livenessProbe, at).toBeDefined();
        expect(container.readinessProbe, at).toBeDefined();
      }
    }
  });

  it('has a PodDisruptionBudget for every Deployment and StatefulSet that runs more than one pod', () => {
    const scaled = new Map(
      objects
        .filter((o) => o.kind === 'ScaledObject')
        .map((o) => [o.spec.scaleTargetRef.name, o.spec.minReplicaCount]),
    );
    const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
    for (const workload of workloads(objects).filter((w) => w.kind !== 'Job')) {
      const replicas = workload.spec.replicas ?? scaled.get(workload.metadata.name) ?? 1;
      if (replicas <= 1) continue;
      const labels = workload.spec.template.metadata.labels as Record<string, string>;
      const covering = budgets.filter((b) =>
        Object.entries(b.spec.selector.matchLabels as Record<string, string>).every(
          ([k, v]) => labels[k] === v,
        ),
      );
      expect(covering, `${workload.kind} ${workload.metadata.name} (${replicas} replicas)`).toHaveLength(1);
    }
  });

  it('reads every Secret as required, and every Secret it reads is documented', () => {
    const docs = readFileSync(`${repoRoot}docs/kubernetes.md`, 'utf8');
    const referenced = new Set<string>();
    for (const workload of workloads(objects)) {
      for (const container of containersOf(workload)) {
        for (const env of container.env ?? []) {
          const ref = env.valueFrom?.secretKeyRef;
          if (!ref) continue;
          expect(ref.optional ?? false, `${workload.metadata.name} ${env.name}`).toBe(false);
          referenced.add(ref.name);
        }
        for (const from of container.envFrom ?? []) {
          if (!from.secretRef) continue;
          expect(from.secretRef.optional ?? false, workload.metadata.name).toBe(false);
          referenced.add(from.secretRef.name);
        }
      }
      for (const volume of podSpec(workload).volumes ?? [])
        if (volume.secret) referenced.add(volume.secret.secretName);
    }
    for (const ingress of objects.filter((o) => o.kind === 'Ingress'))
      for (const tls of ingress.spec.tls ?? []) referenced.add(tls.secretName);
    expect(referenced.size).toBeGreaterThan(3);
    for (const name of referenced)
      expect(docs, `Secret ${name} in docs/kubernetes.md`).toContain(`\`${name}\``);
  });

  it('keeps every URL that may hold a password out of ConfigMaps', () => {
    for (const map of objects.filter((o) => o.kind === 'ConfigMap'))
      for (const [key, value] of Object.entries(map.data ?? {}))
        expect(`${key}=${value}`, map.metadata.name).not.toMatch(/_URL=|:\/\/[^/\s]*@/);
  });

  it('names the set-up Job for this release and lets Kubernetes delete it once finished', () => {
    const jobs = objects.filter((o) => o.kind === 'Job');
    expect(jobs.map((j) => j.metadata.name)).toEqual([`chat-guard-setup-v${version.replaceAll('.', '-')}`]);
    expect(jobs[0]?.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    for (const object of workloads(chatGuard(objects)))
      expect(object.metadata.labels?.['app.kubernetes.io/version'], object.metadata.name).toBe(version);
    const images = new Set(workloads(chatGuard(objects)).flatMap((w) => containersOf(w).map((c) => c.image)));
    expect([...images].map((image) => image.split(':').at(-1))).toEqual([version]);
  });

  it('runs each service from its bundle in the image, serving health and metrics on its ops port', () => {
    const byName = new Map(workloads(chatGuard(objects)).map((w) => [w.metadata.name, w]));
    for (const [name, port] of Object.entries(opsPorts)) {
      const workload = byName.get(name);
      expect(workload, name).toBeDefined();
      const [container] = podSpec(workload as K8sObject).containers;
      expect(container.args).toEqual([`dist/services/${name}/main.mjs`]);
      if (services.some((s) => s.name === name))
        expect(existsSync(`${repoRoot}services/${name}/src/main.ts`), name).toBe(true);
      expect(container.ports[0]).toEqual({ name: 'ops', containerPort: port });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'ops' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'ops' });
      expect(container.env).toContainEqual({ name: 'OTEL_SERVICE_NAME', value: name });
      const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
      expect(service?.spec.ports).toContainEqual({ name: 'ops', port, targetPort: 'ops' });
    }
  });

  it('splits the gateway’s shards over its pods by ordinal, every shard in exactly one pod', () => {
    const gateway = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'gateway');
    expect(gateway).toBeDefined();
    const spec = gateway?.spec;
    const env = Object.fromEntries(
      (spec.template.spec.containers[0].env as { name: string; value?: string }[])
        .filter((e) => e.value !== undefined)
        .map((e) => [e.name, e.value]),
    );
    expect(Number(env.GATEWAY_REPLICAS)).toBe(spec.replicas);
    const shards = Array.from(
      { length: spec.replicas as number },
      (_, ordinal) =>
        parseEnv(gatewayEnv, { ...env, DISCORD_TOKEN: 'token', POD_NAME: `gateway-${ordinal}` }).SHARDS,
    ).flat();
    expect(shards).toEqual(Array.from({ length: Number(env.SHARD_COUNT) }, (_, i) => i));
  });
});

describe('the production overlay', () => {
  it('scales each consumer service on the lag of every durable consumer it owns', () => {
    const scaledObjects = production.filter((o) => o.kind === 'ScaledObject');
    for (const name of ['content-filter', 'invite-tracker', 'enforcer', 'log-writer']) {
      const scaled = scaledObjects.find((o) => o.spec.scaleTargetRef.name === name);
      expect(scaled, name).toBeDefined();
      const triggers = (scaled?.spec.triggers ?? []) as { type: string; metadata: Record<string, string> }[];
      expect(triggers.map((t) => t.type)).toEqual(triggers.map(() => 'nats-jetstream'));
      expect(triggers.map((t) => `${t.metadata.stream}/${t.metadata.consumer}`).sort()).toEqual(
        consumersOf(name)
          .map((c) => `${c.stream}/${c.durable}`)
          .sort(),
      );
      expect(scaled?.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
      // KEDA owns the replica count: a fixed one would be reset on every apply.
      const deployment = production.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
      expect(deployment?.spec.replicas, name).toBeUndefined();
    }
  });

  it('runs the raid detector with two replicas under its lease, and streams at replicas 3 on a 3-node NATS', () => {
    const detector = production.find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'anomaly-detector',
    );
    expect(detector?.spec.replicas).toBeGreaterThanOrEqual(2);
    const config = production.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'chat-guard');
    const values = parse(readFileSync(`${repoRoot}deploy/kubernetes/dependencies/nats-values.yaml`, 'utf8'));
    expect(values.config.cluster).toEqual({ enabled: true, replicas: 3 });
    expect(values.config.jetstream.fileStore.enabled).toBe(true);
    expect(config?.data?.NATS_REPLICAS).toBe(String(values.config.cluster.replicas));
  });

  it('spreads each service’s pods over nodes and zones', () => {
    for (const workload of workloads(chatGuard(production)).filter((w) => w.kind !== 'Job')) {
      const keys = (podSpec(workload).topologySpreadConstraints ?? []).map(
        (c: { topologyKey: string }) => c.topologyKey,
      );
      expect(keys, workload.metadata.name).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    }
  });

  it('puts every Chat Guard pod under a NetworkPolicy that lets it reach NATS and DNS', () => {
    const policies = production.filter((o) => o.kind === 'NetworkPolicy');
    for (const workload of workloads(chatGuard(production))) {
      const labels = workload.spec.template.metadata.labels as Record<string, string>;
      const own = policies.filter((p) =>
        Object.entries(p.spec.podSelector.matchLabels as Record<string, string>).every(
          ([k, v]) => labels[k] === v,
        ),
      );
      expect(own, workload.metadata.name).toHaveLength(1);
      const egressPorts = (own[0]?.spec.egress ?? []).flatMap((rule: { ports?: { port: number }[] }) =>
        (rule.ports ?? []).map((p) => p.port),
      );
      expect(egressPorts, workload.metadata.name).toEqual(expect.arrayContaining([53, 4222]));
    }
  });

  it('exposes the verifier’s and the dashboard’s web ports through Ingresses', () => {
    const ingresses = production.filter((o) => o.kind === 'Ingress');
    for (const [name, port] of [
      ['verifier', 8090],
      ['dashboard', 8091],
    ] as const) {
      const ingress = ingresses.find((o) => o.metadata.name === name);
      expect(ingress?.spec.rules[0].http.paths[0].backend.service).toEqual({ name, port: { name: 'web' } });
      const service = production.find((o) => o.kind === 'Service' && o.metadata.name === name);
      expect(service?.spec.ports).toContainEqual({ name: 'web', port, targetPort: 'web' });
    }
  });
});
