// extension:file_bearer_token: the token is the contents of a file, read again whenever the file changes (checked
// before use, see WatchedFile), so a rotated token is sent with the next export without a restart. Ready once the file
// was read; a file that later disappears or turns empty keeps the last good token and says so once.
import { parseDuration } from '../../config/duration.js';
import type { BearerToken } from '../capabilities.js';
import type { Extension, ExtensionContext } from '../extension.js';
import { WatchedFile } from '../support/watched-file.js';
import type { FileBearerTokenConfig } from './descriptor.js';

function parseToken(text: string): string {
  const token = text.trim();
  if (token === '') throw new Error('the token file is empty');
  if (/\s/.test(token)) throw new Error('the token file holds more than one word');
  return token;
}

export function createFileBearerToken(_name: string, raw: Record<string, unknown>): Extension {
  const config = raw as unknown as FileBearerTokenConfig;
  const file = new WatchedFile(config.path, parseToken, parseDuration(config.recheck_interval ?? '0ms'));
  let ctx: ExtensionContext | undefined;
  let staleReason: string | undefined;
  let lastVersion = 0;

  const onStale = (reason: string): void => {
    if (reason !== staleReason) ctx?.logger.warn({ reason }, 'token file unreadable: still sending the last token read');
    staleReason = reason;
  };

  return {
    capabilities: {
      bearer_token_provider: {
        async token(): Promise<BearerToken> {
          const { value, version } = await file.read(onStale);
          if (version !== lastVersion) {
            if (lastVersion !== 0) ctx?.logger.info({ path: config.path, version }, 'token file changed: sending the new token');
            lastVersion = version;
            staleReason = undefined;
          }
          return { value };
        },
      },
    },
    async start(context) {
      ctx = context;
      lastVersion = (await file.read()).version;
    },
    async stop() {},
  };
}
