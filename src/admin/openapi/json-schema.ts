// The few helpers the OpenAPI document is written with. Schemas are plain JSON values: the document is served as JSON
// and validated with Ajv's 2020-12 dialect, so nothing here may be a TypeScript-only construct.

export type JsonSchema = { [keyword: string]: unknown };

/** A reference to a schema under components.schemas. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}
