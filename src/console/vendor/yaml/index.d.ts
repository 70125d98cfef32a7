// The part of the `yaml` package's browser build (served at /console/vendor/yaml/ by the admin server) that the
// pipeline editor uses.
export function parse(source: string): unknown;
export function stringify(value: unknown): string;
