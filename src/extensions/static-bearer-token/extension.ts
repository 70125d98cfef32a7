// extension:static_bearer_token: one token from the config (or the environment, through `${env:VAR}`), for ever.
// Passive: nothing to refresh.
import type { BearerToken } from '../capabilities.js';
import type { Extension } from '../extension.js';
import type { StaticBearerTokenConfig } from './descriptor.js';

export function createStaticBearerToken(_name: string, config: Record<string, unknown>): Extension {
  const { token } = config as unknown as StaticBearerTokenConfig;
  const current: Promise<BearerToken> = Promise.resolve({ value: token });
  return {
    capabilities: { bearer_token_provider: { token: () => current } },
    async start() {
      if (typeof token !== 'string' || token === '') throw new Error('no token configured');
    },
    async stop() {},
  };
}
