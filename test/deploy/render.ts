import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../support/processes.ts';

/** A rendered Kubernetes object, loosely typed: the tests read what they check. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered YAML, checked field by field in the tests
  spec?: any;
  data?: Record<string, string>;
}

export const OVERLAYS = ['base', 'overlays/dev', 'overlays/production'] as const;

/** `kubectl kustomize` of a folder under deploy/kubernetes, as a list of objects. */
export function render(path: string): K8sObject[] {
  const text = execFileSync('kubectl', ['kustomize', `${repoRoot}deploy/kubernetes/${path}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(text).map((doc) => doc.toJS() as K8sObject);
}

/** Where kubernetes-models keeps the model of an apiVersion. */
function modelModule(apiVersion: string): string {
  if (apiVersion === 'keda.sh/v1alpha1') return '@kubernetes-models/keda/keda.sh/v1alpha1';
  if (apiVersion.startsWith('monitoring.coreos.com/'))
    return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

const cnpgCluster = new Ajv({ allErrors: true }).compile(
  JSON.parse(readFileSync(`${repoRoot}test/deploy/schemas/cnpg-cluster.subset.json`, 'utf8')),
);

/** Validates an object against its OpenAPI schema; throws naming the object and the problem. */
export async function validate(object: K8sObject): Promise<void> {
  const what = `${object.kind} ${object.metadata.name}`;
  if (object.apiVersion === 'postgresql.cnpg.io/v1') {
    if (!cnpgCluster(object)) throw new Error(`${what}: ${JSON.stringify(cnpgCluster.errors)}`);
    return;
  }
  const models = (await import(modelModule(object.apiVersion))) as Record<
    string,
    new (
      data: unknown,
    ) => { validate(): void }
  >;
  const Model = models[object.kind];
  if (!Model) throw new Error(`${what}: no schema for ${object.apiVersion} ${object.kind}`);
  // kubectl wraps long base64 values over lines; the API server's decoder skips the line breaks.
  const data =
    object.kind === 'Secret' && object.data
      ? Object.fromEntries(Object.entries(object.data).map(([k, v]) => [k, v.replace(/\s+/g, '')]))
      : object.data;
  try {
    new Model(data ? { ...object, data } : object).validate();
  } catch (err) {
    throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'Job']);

/** The pod template of a workload, or undefined for other objects. */
// biome-ignore lint/suspicious/noExplicitAny: rendered YAML
export function podSpec(object: K8sObject): any {
  return WORKLOAD_KINDS.has(object.kind) ? object.spec?.template?.spec : undefined;
}
