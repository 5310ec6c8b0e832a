import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { services } from '../../libs/cli/src/services.ts';
import { repoRoot } from '../support/processes.ts';

interface Container {
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  env?: { name: string; value: string }[];
}
interface Deployment {
  kind: string;
  metadata: { name: string };
  spec: { template: { spec: { containers: Container[] } } };
}

const manifests = parseAllDocuments(readFileSync(`${repoRoot}deploy/kubernetes/services.yaml`, 'utf8'))
  .map((doc) => doc.toJS() as Deployment | null)
  .filter((doc): doc is Deployment => doc?.kind === 'Deployment');

it('runs every service on Kubernetes with liveness and readiness probes on its ops port', () => {
  expect(manifests.map((m) => m.metadata.name).sort()).toEqual(services.map((s) => s.name).sort());
  for (const deployment of manifests) {
    const [container] = deployment.spec.template.spec.containers;
    const name = deployment.metadata.name;
    expect(container?.args).toEqual([`services/${name}/src/main.ts`]);
    expect(readFileSync(`${repoRoot}services/${name}/src/main.ts`, 'utf8')).toContain(`name: '${name}'`);
    expect(container?.ports?.[0]).toEqual({ name: 'ops', containerPort: 8080 });
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'ops' });
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'ops' });
    expect(container?.env).toContainEqual({ name: 'OTEL_SERVICE_NAME', value: name });
  }
});
