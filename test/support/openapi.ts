// Checks real admin answers against the OpenAPI document: finds the operation of a request path, and validates a body
// against the schema declared for its status and content type, with Ajv in the JSON Schema 2020-12 dialect that
// OpenAPI 3.1 uses. Strict mode stays on, so a misspelt keyword in the document fails here instead of matching anything.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Doc = Record<string, any>;

/** The fields of an OpenAPI document that are not JSON Schema keywords; Ajv must accept and skip them at the root. */
const OPENAPI_ROOT_FIELDS = ['openapi', 'jsonSchemaDialect', 'info', 'servers', 'security', 'tags', 'paths', 'components', 'webhooks', 'externalDocs'];
const DOC_ID = 'openapi.json';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

export interface OpenApiValidator {
  /** The templated path (`/api/v1/groups/{group}`) that a concrete request path falls under, or undefined. */
  templateOf(path: string): string | undefined;
  /** Errors of `body` against the documented answer, or [] when it validates. Throws when nothing is documented. */
  check(method: string, path: string, status: number, contentType: string | null, body: unknown): string[];
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function templateMatcher(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

export function openApiValidator(doc: Doc): OpenApiValidator {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  ajv.addVocabulary(OPENAPI_ROOT_FIELDS);
  ajv.addSchema(doc, DOC_ID);

  // A literal path wins over a templated one that also matches (as routers do).
  const templates = Object.keys(doc.paths as object).sort((a, b) => a.split('{').length - b.split('{').length);
  const matchers = templates.map((t) => ({ template: t, regex: templateMatcher(t) }));
  const compiled = new Map<string, ValidateFunction>();

  const templateOf = (path: string): string | undefined => matchers.find((m) => m.regex.test(path))?.template;

  return {
    templateOf,
    check(method, path, status, contentType, body) {
      const template = templateOf(path);
      if (template === undefined) throw new Error(`no documented path matches ${path}`);
      const op = doc.paths[template][method.toLowerCase()];
      if (op === undefined) throw new Error(`${method} ${template} is not documented`);
      const response = op.responses[String(status)];
      if (response === undefined) throw new Error(`${method} ${template} documents no ${status} answer`);
      const mediaType = Object.keys(response.content ?? {}).find((m) => contentType?.startsWith(m.split(';')[0]!));
      if (mediaType === undefined) throw new Error(`${method} ${template} ${status}: content type ${contentType} is not documented`);
      const pointer = ['paths', template, method.toLowerCase(), 'responses', String(status), 'content', mediaType, 'schema']
        .map(escapePointer)
        .join('/');
      let validate = compiled.get(pointer);
      if (validate === undefined) {
        validate = ajv.compile({ $ref: `${DOC_ID}#/${pointer}` });
        compiled.set(pointer, validate);
      }
      if (validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${method} ${path} ${status}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    },
  };
}

/** Every `{name}` of a path template. */
export function templateParams(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}
