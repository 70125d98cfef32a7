// `config export`: the committed config as the operator wrote it, as YAML that `otap-engine --config` accepts: the
// config file and every live change since, `${env:…}` references as given (never their values), any credential written
// literally redacted. With -o json the same document as JSON (which is YAML too).
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { expectStatus } from './answers.js';
import type { CtlContext } from './context.js';
import { CtlExit, EXIT } from './exit-codes.js';

const HEADER = '# The committed config of a running otap-engine (otap-engine ctl config export).\n';

export async function exportConfig(ctx: CtlContext, options: { file?: string }): Promise<void> {
  const answer = await ctx.client.request('GET', '/api/v1/config/export');
  expectStatus(ctx, answer, 200);
  const text = ctx.json ? `${JSON.stringify(answer.body, null, 2)}\n` : `${HEADER}${stringify(answer.body)}`;
  if (options.file === undefined || options.file === '-') {
    ctx.io.stdout(text);
    return;
  }
  try {
    // Only its owner may read it: a literal credential is redacted, but the rest of a config is nobody else's business.
    writeFileSync(options.file, text, { mode: 0o600 });
  } catch (error) {
    throw new CtlExit(EXIT.usage, `cannot write ${options.file}: ${(error as Error).message}`);
  }
}
