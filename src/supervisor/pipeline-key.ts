// The key of a pipeline in the engine's maps, status and metrics: `group:pipeline` (neither part may hold a colon).
export function keyOf(group: string, pipeline: string): string {
  return `${group}:${pipeline}`;
}
