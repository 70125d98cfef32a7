// Writes docs/admin/openapi.json from the document the engine serves: `npm run docs:openapi`.
// test/admin/openapi.test.ts fails while the copy differs.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../../src/admin/openapi/document.js';

export const OPENAPI_DOCS_FILE = fileURLToPath(new URL('../../docs/admin/openapi.json', import.meta.url));

/** The docs copy byte for byte: two-space JSON and a final newline. */
export function openApiDocsText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(OPENAPI_DOCS_FILE, openApiDocsText());
  process.stdout.write(`wrote ${OPENAPI_DOCS_FILE}\n`);
}
