// Kept apart from the descriptor so that an instance can say why it cannot build the node without loading joi.
export const DURABLE_BUFFER_NOT_AVAILABLE =
  'processor:durable_buffer is not available in this version of the engine (no write-ahead log yet); ' +
  'remove it from the pipeline, or keep the upstream engine for this pipeline';
