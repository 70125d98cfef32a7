// The engine's logger censors credential fields wherever a log call might carry them by mistake. Run in a real process
// (the built logger writing to its own stdout), as the engine runs it.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOGGER = fileURLToPath(new URL('../../dist/util/logger.js', import.meta.url));
const SECRET = 'log-SECRET-3e8a0c51';

describe('engine logger', () => {
  it('censors authorization headers and bearer tokens in logged objects', async () => {
    const script = `
      const { createLogger } = await import(${JSON.stringify(LOGGER)});
      const logger = createLogger({ level: 'info', format: 'json' });
      logger.info({ headers: { authorization: 'Bearer ${SECRET}' } }, 'headers');
      logger.info({ req: { headers: { authorization: 'Bearer ${SECRET}' } } }, 'request');
      logger.info({ auth: { bearer_token: '${SECRET}' } }, 'auth section');
      logger.info({ config: { auth: { bearer_token: '${SECRET}' } } }, 'nested auth section');
    `;
    const result = await execa(process.execPath, ['--input-type=module', '-e', script]);
    const lines = result.stdout.split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines.map((l) => l.msg)).toEqual(['headers', 'request', 'auth section', 'nested auth section']);
    expect(result.stdout).not.toContain(SECRET);
    expect(lines[1]!.req.headers.authorization).toBe('***redacted***');
    expect(lines[3]!.config.auth.bearer_token).toBe('***redacted***');
  });
});
