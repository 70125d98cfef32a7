// The Kubernetes manifests under deploy/kubernetes: each object passes the Kubernetes API schema of its kind (from
// kubernetes-models), the kustomization lists every file, and the engine containers keep the properties docs/fleet.md
// promises: probes on livez/readyz at an admin address the kubelet can reach, a grace period above the drain deadline,
// the admin token from a Secret, the config from a ConfigMap mounted so that edits reach the pod, CPU requests equal
// to the cores the engine pins, and a locked-down security context. The configs in the ConfigMaps validate as the
// engine would judge them at start.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { loadAndValidate } from '../../src/config/index.js';
import { builtinCatalog } from '../../src/nodes/catalog.js';
import { SHUTDOWN_DRAIN_MS } from '../../src/cli/main.js';

const DIR = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));

type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; [key: string]: unknown };

const MODELS: Record<string, { new (data: never): { validate(): void } }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const manifests: Array<{ file: string; doc: Manifest }> = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => ({ file, doc: d.toJS() as Manifest })),
);
const workloads = manifests.filter(({ doc }) => doc.kind === 'DaemonSet' || doc.kind === 'Deployment');
const find = (kind: string, name: string) => manifests.find(({ doc }) => doc.kind === kind && doc.metadata.name === name)?.doc;

function podOf(workload: Manifest): IPodSpec {
  return (workload as unknown as { spec: { template: { spec: IPodSpec } } }).spec.template.spec;
}

/** `--name=value` or `--name value` from a container's args. */
function flag(container: IContainer, name: string): string | undefined {
  const args = container.args ?? [];
  const joined = args.find((a) => a.startsWith(`--${name}=`));
  if (joined) return joined.slice(name.length + 3);
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

describe('deploy/kubernetes', () => {
  it('holds valid objects of the Kubernetes API, every file listed in the kustomization', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(7);
    for (const { file, doc } of manifests) {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model, `${file}: ${doc.apiVersion} ${doc.kind}`).toBeDefined();
      expect(() => new Model!(doc as never).validate(), `${file}: ${doc.kind} ${doc.metadata.name}`).not.toThrow();
    }
    const kustomization = parseAllDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
    expect(workloads.map(({ doc }) => doc.kind).sort()).toEqual(['DaemonSet', 'Deployment']);
  });

  it('catches an invalid object (the schema check is real)', () => {
    const broken = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: {} } };
    expect(() => new Deployment(broken as never).validate()).toThrow(/selector/);
  });

  describe.each(workloads.map(({ doc }) => [doc.kind, doc] as const))('%s', (_kind, workload) => {
    const pod = podOf(workload);
    const container = pod.containers.find((c) => c.name === 'engine')!;

    it('probes livez and readyz on an admin address the kubelet can reach, and drains within the grace period', () => {
      const bind = flag(container, 'http-admin-bind')!;
      expect(bind).toMatch(/^0\.0\.0\.0:\d+$/);
      const admin = container.ports!.find((p) => p.name === 'admin')!;
      expect(String(admin.containerPort)).toBe(bind.split(':')[1]);
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/api/v1/livez', port: 'admin' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/api/v1/readyz', port: 'admin' });
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(SHUTDOWN_DRAIN_MS / 1000);
    });

    it('takes the admin token from a Secret and the config from a ConfigMap mounted as a directory', () => {
      const token = container.env?.find((e) => e.name === 'OTAP_ENGINE_ADMIN_TOKEN');
      expect(token?.valueFrom?.secretKeyRef?.key).toBeTruthy();
      const config = flag(container, 'config')!;
      const mount = container.volumeMounts!.find((m) => config.startsWith(`${m.mountPath}/`))!;
      // A subPath mount never sees an edit of its ConfigMap: the reload story depends on a directory mount.
      expect(mount.subPath).toBeUndefined();
      const volume = pod.volumes!.find((v) => v.name === mount.name)!;
      const map = find('ConfigMap', volume.configMap!.name!) as unknown as { data: Record<string, string> };
      expect(Object.keys(map.data)).toContain(config.slice(mount.mountPath.length + 1));
    });

    it('runs non-root on a read-only root filesystem without capabilities', () => {
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    });

    it('requests the CPUs the engine pins, and its config validates on that many cores', async () => {
      const pinned = Number(flag(container, 'num-cores'));
      expect(pinned).toBeGreaterThan(0);
      expect(container.resources?.requests).toMatchObject({ cpu: String(pinned) });
      expect(container.resources?.limits).toEqual(container.resources?.requests);
      const config = flag(container, 'config')!;
      const mount = container.volumeMounts!.find((m) => config.startsWith(`${m.mountPath}/`))!;
      const map = find('ConfigMap', pod.volumes!.find((v) => v.name === mount.name)!.configMap!.name!) as unknown as { data: Record<string, string> };
      const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? 'from-the-cluster']));
      const result = await loadAndValidate(`yaml:${map.data[config.slice(mount.mountPath.length + 1)]}`, {
        env,
        catalog: builtinCatalog,
        availableCores: Array.from({ length: pinned }, (_, i) => i),
        coreAllocationOverride: { type: 'core_count', count: pinned },
      });
      expect(result.ok ? [] : result.errors).toEqual([]);
      if (!result.ok) return;
      const cores = new Set(result.pipelines.flatMap((p) => p.cores));
      expect(cores.size).toBe(pinned);
      // Every port the config listens on is a port of the container.
      const ports = result.pipelines.flatMap((p) => p.listeners.map((l) => Number(l.address.split(':').at(-1))));
      for (const port of ports) expect(container.ports!.map((p) => p.containerPort)).toContain(port);
    });
  });
});
