// The web console's paths (docs/console.md): its page, open like the probes because it holds no engine data, and the
// live feed it reads, behind the token like every other path.
import { ref } from './json-schema.js';
import { errorResponses, type OpenApiObject } from './responses.js';

function page(operationId: string, summary: string): OpenApiObject {
  return {
    get: {
      tags: ['console'],
      operationId,
      summary,
      description:
        'The web console\'s HTML page. Open without the admin token (a browser cannot send one when it navigates): it holds ' +
        'no engine data, asks for the token when the engine wants one, and keeps it in the tab\'s sessionStorage. Served with ' +
        'a Content-Security-Policy that allows nothing but this origin. Its scripts and styles are under `/console/`.',
      security: [],
      responses: {
        '200': { description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } },
        '503': { description: 'The console was not built (`npm run build` builds it).', content: { 'text/plain': { schema: { type: 'string' } } } },
        ...errorResponses([], { open: true }),
      },
    },
  };
}

export const consolePaths: Record<string, OpenApiObject> = {
  '/': page('getConsole', 'The web console'),
  '/dashboard': page('getConsoleDashboard', 'The web console (the same page)'),
  '/api/v1/events': {
    get: {
      tags: ['console'],
      operationId: 'getEvents',
      summary: 'Live status feed (server-sent events)',
      description:
        'A `text/event-stream` that stays open. At once, then at most once a second when something changed: an event ' +
        '`status` whose data is the EngineStatus (as `GET /api/v1/status` answers); an event `rollout` whose data is ' +
        'the RolloutStatus of a pipeline\'s latest rollout each time it changed; an event `operation` for each rollout or ' +
        'shutdown record the engine keeps (the newest 50 at once, oldest first, then each one that is new or changed); ' +
        'and an event `logs` with the newest lines of the in-memory log tap (200 at once, then the new ones; a client ' +
        'that connects beside another may get a line twice: `seq` tells), or `{"tap":"off"}` when the tap is off. An ' +
        'idle stream gets a comment line every 15 s. A client that does not read is disconnected once 1 MiB waits unsent; ' +
        'it reconnects and gets the current state again. `x-event-data` names the schema of each event\'s data.',
      responses: {
        '200': {
          description: 'The stream. Each event is `event: status`, `rollout`, `operation` or `logs`, then `data:` one JSON document.',
          content: {
            'text/event-stream': {
              schema: { type: 'string' },
              'x-event-data': { status: ref('EngineStatus'), rollout: ref('RolloutStatus'), operation: ref('OperationEntry'), logs: ref('StreamLogs') },
            },
          },
        },
        ...errorResponses([]),
      },
    },
  },
};
