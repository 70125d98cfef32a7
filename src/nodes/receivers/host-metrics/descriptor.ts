// receiver:host_metrics config schema: upstream's fields, names and defaults. What upstream refuses we refuse, with
// the reason. The receiver observes the whole host, so `hostWide` asks for a one-core pipeline and one receiver per
// host root across the config (src/config/host-wide.ts).
import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { duration, durationDefaulting } from '../../../config/common-schemas.js';
import { parseDuration } from '../../../config/duration.js';
import { effectiveRootPath, FAMILY_NAMES, type HostMetricsConfig } from './config.js';
import { regexpProblem } from './filter.js';

const PER_PROCESS = 'summary_and_per_process';

const positiveDuration = duration
  .custom((value: string, helpers) => (parseDuration(value) > 0 ? value : helpers.error('duration.zero')))
  .messages({ 'duration.zero': '{{#label}} must be greater than zero' });

/** A family's own interval; only an enabled family is held to it being above zero, as upstream. */
const familyInterval = Joi.when('enabled', { is: true, then: positiveDuration, otherwise: duration });

const matchType = Joi.string().valid('strict', 'glob', 'regexp').default('strict');

/** `{ <key>: [names], match_type }`; regexp patterns must compile. `required`: upstream has no default for the list. */
function nameFilter(key: string, required: boolean): Joi.ObjectSchema {
  const names = Joi.array().items(Joi.string());
  return Joi.object({ [key]: required ? names.required() : names.default([]), match_type: matchType })
    .custom((value: Record<string, unknown>, helpers) => {
      if (value.match_type !== 'regexp') return value;
      for (const pattern of value[key] as string[]) {
        const problem = regexpProblem(pattern);
        if (problem !== undefined) return helpers.error('filter.regexp', { pattern, problem });
      }
      return value;
    })
    .messages({ 'filter.regexp': '{{#label}} has a regexp that does not compile: {{#pattern}} ({{#problem}})' });
}

const family = (enabled: boolean, fields: Record<string, Joi.Schema> = {}): Joi.ObjectSchema =>
  Joi.object({ enabled: Joi.boolean().default(enabled), interval: familyInterval, ...fields }).default();

const unsupported = (what: string) =>
  Joi.boolean()
    .default(false)
    .invalid(true)
    .messages({ 'any.invalid': `{{#label}} is not supported: ${what} (upstream refuses it too)` });

/** A label we cannot emit yet; refused only where it would be used (per-process mode), as upstream. */
const unsupportedLabel = (defaultValue: boolean) =>
  Joi.boolean()
    .default(defaultValue)
    .when('....mode', { is: PER_PROCESS, then: Joi.invalid(true) })
    .messages({ 'any.invalid': '{{#label}} is not supported yet as a per-process attribute (upstream refuses it too)' });

const processSection = Joi.object({
  include: nameFilter('names', true),
  exclude: nameFilter('names', true),
  max_processes: Joi.number()
    .integer()
    .min(0)
    .default(100)
    .when('...mode', { is: PER_PROCESS, then: Joi.number().min(1) })
    .messages({ 'number.min': '{{#label}} must be greater than zero when processes.mode is summary_and_per_process' }),
  labels: Joi.object({
    pid: Joi.boolean()
      .default(true)
      .when('....mode', { is: PER_PROCESS, then: Joi.valid(true) })
      .messages({ 'any.only': '{{#label}} must be true when processes.mode is summary_and_per_process: it tells the series apart' }),
    command: Joi.boolean().default(true),
    executable_name: Joi.boolean().default(true),
    executable_path: unsupportedLabel(false),
    command_line: unsupportedLabel(false),
    owner: unsupportedLabel(false),
    cgroup: unsupportedLabel(false),
    parent_pid: Joi.boolean().default(true),
  }).default(),
  metrics: Joi.object({
    cpu_time: Joi.boolean().default(true),
    cpu_utilization: Joi.boolean().default(true),
    memory_usage: Joi.boolean().default(true),
    memory_virtual: Joi.boolean().default(true),
    disk_io: Joi.boolean().default(true),
    threads: Joi.boolean().default(true),
    uptime: Joi.boolean().default(true),
  }).default(),
}).default();

const families = Joi.object({
  cpu: family(true, { per_cpu: unsupported('per-CPU series'), utilization: Joi.boolean().default(false) }),
  memory: family(true, {
    limit: Joi.boolean().default(false),
    shared: Joi.boolean().default(false),
    hugepages: Joi.boolean().default(false),
  }),
  paging: family(true),
  system: family(true),
  disk: family(true, {
    limit: Joi.boolean().default(false),
    include: nameFilter('devices', true),
    exclude: nameFilter('devices', true),
  }),
  filesystem: family(true, {
    include_virtual_filesystems: Joi.boolean().default(false),
    include_remote_filesystems: Joi.boolean().default(false),
    limit: Joi.boolean().default(false),
    include_devices: nameFilter('devices', true),
    exclude_devices: nameFilter('devices', true),
    include_fs_types: nameFilter('fs_types', false),
    exclude_fs_types: nameFilter('fs_types', false),
    include_mount_points: nameFilter('mount_points', false),
    exclude_mount_points: nameFilter('mount_points', false),
  }),
  network: family(true, {
    include: nameFilter('interfaces', true),
    exclude: nameFilter('interfaces', true),
    include_connection_count: unsupported('connection counts'),
  }),
  processes: family(true, {
    mode: Joi.string().valid('summary', PER_PROCESS).default('summary'),
    process: processSection,
  }),
  load: family(false),
})
  .default()
  .custom((value: HostMetricsConfig['families'], helpers) =>
    FAMILY_NAMES.some((name) => value[name].enabled) ? value : helpers.error('families.none'),
  )
  .messages({ 'families.none': '{{#label}}: at least one family must be enabled' });

/** Absolute, without `.` or `..` components: the receiver reads `<root>/proc/…`, `<root>/sys/…` and statfs mounts. */
const rootPath = Joi.string()
  .custom((value: string, helpers) => {
    if (!value.startsWith('/')) return helpers.error('root.relative');
    if (value.split('/').some((part) => part === '.' || part === '..')) return helpers.error('root.dots');
    return value;
  })
  .messages({
    'root.relative': '{{#label}} must be an absolute path',
    'root.dots': '{{#label}} must not contain . or .. components',
  });

export const hostMetricsReceiver: NodeDescriptor = {
  urn: 'urn:otel:receiver:host_metrics',
  kind: 'receiver',
  configSchema: Joi.object({
    collection_interval: durationDefaulting('10s').concat(positiveDuration),
    initial_delay: durationDefaulting('0s'),
    root_path: rootPath,
    host_view: Joi.object({
      root_path: rootPath.default('/'),
      validation: Joi.string().valid('fail_selected', 'warn_selected', 'none').default('fail_selected'),
    }).default(),
    families,
  })
    .custom((value: HostMetricsConfig, helpers) => {
      const legacy = value.root_path;
      const viewRoot = effectiveRootPath({ host_view: value.host_view });
      if (legacy === undefined || viewRoot === '/') return value;
      return effectiveRootPath({ root_path: legacy, host_view: value.host_view }) === viewRoot
        ? value
        : helpers.error('root.conflict');
    })
    .messages({ 'root.conflict': 'root_path and host_view.root_path name different paths; set only host_view.root_path' }),
  hostWide: (config) => `host root ${effectiveRootPath(config as unknown as HostMetricsConfig)}`,
};
