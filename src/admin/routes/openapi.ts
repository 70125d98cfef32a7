// GET /openapi.json: the OpenAPI 3.1 document of this API (src/admin/openapi/document.ts).
import type { Router } from 'express';
import { openApiDocument } from '../openapi/document.js';
import { resource } from '../resource.js';

export function registerOpenApiRoutes(router: Router): void {
  resource(router, '/openapi.json', {
    get: (_req, res) => {
      res.status(200).json(openApiDocument());
    },
  });
}
