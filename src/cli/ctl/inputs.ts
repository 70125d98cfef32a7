// Arguments and files as the commands need them. Problems here are usage errors (exit 2): nothing has been sent yet.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { PipelineRef } from './client.js';
import { CtlExit, EXIT } from './exit-codes.js';

/** `GROUP/PIPELINE`, or `GROUP:PIPELINE` as status keys write it. Ids contain neither separator. */
export function parsePipelineRef(text: string): PipelineRef {
  const parts = text.split(/[/:]/);
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new CtlExit(EXIT.usage, `expected GROUP/PIPELINE, got ${JSON.stringify(text)}`);
  }
  return { group: parts[0]!, pipeline: parts[1]! };
}

export function looksLikePipelineRef(text: string): boolean {
  return /^[^/:]+[/:][^/:]+$/.test(text);
}

export function parseSeconds(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 3600) throw new CtlExit(EXIT.usage, `expected whole seconds from 1 to 3600, got ${JSON.stringify(text)}`);
  return n;
}

/** A YAML or JSON file (JSON is YAML too), or stdin for `-`. */
export function readDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CtlExit(EXIT.usage, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return parse(text);
  } catch (error) {
    throw new CtlExit(EXIT.usage, `${file} is neither YAML nor JSON: ${(error as Error).message}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface PipelineFile {
  pipeline: Record<string, unknown>;
  stepTimeoutSecs?: number;
  drainTimeoutSecs?: number;
}

/**
 * One pipeline as under `groups.G.pipelines.P` in a config file, or a whole PUT body (`{ pipeline, stepTimeoutSecs,
 * drainTimeoutSecs }`, as the API docs' example files are). The two never share a top-level key.
 */
export function readPipelineFile(file: string): PipelineFile {
  const doc = readDocument(file);
  if (!isObject(doc)) throw new CtlExit(EXIT.usage, `${file} must hold one pipeline (a map with nodes and connections)`);
  if (isObject(doc.pipeline) && doc.nodes === undefined) {
    const { pipeline, stepTimeoutSecs, drainTimeoutSecs } = doc as Record<string, any>;
    return { pipeline, stepTimeoutSecs, drainTimeoutSecs };
  }
  if (doc.version !== undefined || doc.groups !== undefined) {
    throw new CtlExit(EXIT.usage, `${file} is a whole config document: use \`ctl reconcile -f ${file}\`, or put one pipeline in the file`);
  }
  return { pipeline: doc };
}

export function readConfigFile(file: string): Record<string, unknown> {
  const doc = readDocument(file);
  if (!isObject(doc)) throw new CtlExit(EXIT.usage, `${file} must hold a whole config document (version, groups)`);
  return doc;
}
