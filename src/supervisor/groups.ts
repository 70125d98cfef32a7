// Creating a group, as upstream's `POST /groups/{group}`: an empty group, with the group-level settings of its body
// (policies, description), validated inside a copy of the whole committed config before it is committed.
import type { CreateGroupOutcome } from '../state/commands.js';
import { configError } from '../config/errors.js';
import { validateEngineConfig } from '../config/index.js';
import { RESERVED_GROUP } from '../config/schema.js';
import type { EngineConfig, GroupSpec } from '../config/types.js';
import { redactSecrets } from '../util/redact.js';
import type { RuntimeManager } from './runtime-manager.js';

export function createGroup(manager: RuntimeManager, group: string, spec: GroupSpec): CreateGroupOutcome {
  // The reserved group exists for the engine's own use: to a client it is taken.
  if (group === RESERVED_GROUP || manager.hasGroup(group)) return { kind: 'exists' };
  // A reconcile may be about to create or delete this very group.
  const holder = manager.lock.scopeHolder({ kind: 'group', group });
  if (holder) return { kind: 'busy', operation: holder };
  if (Object.keys(spec.pipelines ?? {}).length > 0) {
    const message = 'a group is created empty: PUT each of its pipelines once the group exists';
    return { kind: 'invalid', errors: [configError(`groups.${group}.pipelines`, 'InvalidValue', message)] };
  }
  // A copy is the caller's own to change: the committed config itself changes only through the manager.
  const candidate = structuredClone(manager.committed) as EngineConfig;
  candidate.groups[group] = { ...spec, pipelines: {} };
  const validation = validateEngineConfig(candidate, manager.validationContext);
  if (!validation.ok) return { kind: 'invalid', errors: validation.errors };
  const created = validation.config.groups[group]!;
  manager.addGroup(group, created, spec);
  return { kind: 'created', group: redactSecrets(created) };
}
