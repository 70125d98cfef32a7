import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { APPLY_TO_TARGETS, ATTRIBUTE_ACTIONS, type AttributeActionConfig } from './config.js';

// An attribute value as YAML gives it; strings are tried first, so `"5"` stays a string and `5` is a number.
const attributeValue = Joi.alternatives(Joi.string().allow(''), Joi.number(), Joi.boolean());

const keyed = { key: Joi.string().required() };
const action = Joi.object({
  action: Joi.string()
    .valid(...ATTRIBUTE_ACTIONS)
    .required()
    .messages({ 'any.only': `{{#label}} must be one of ${ATTRIBUTE_ACTIONS.join(', ')}: this engine cannot act on any other action` }),
})
  .when(Joi.object({ action: Joi.valid('insert', 'update', 'upsert') }).unknown(), { then: Joi.object({ ...keyed, value: attributeValue.required() }) })
  .when(Joi.object({ action: 'delete' }).unknown(), { then: Joi.object(keyed) })
  .when(Joi.object({ action: 'hash' }).unknown(), {
    then: Joi.object({ ...keyed, algorithm: Joi.string().valid('sha256').default('sha256'), salt: Joi.string().allow('').default('') }),
  })
  .when(Joi.object({ action: 'rename' }).unknown(), {
    then: Joi.object({ source_key: Joi.string().required(), destination_key: Joi.string().required() }),
  });

/**
 * Upstream's rule: no key is used by two actions (a rename's source and destination both count), so that the order of
 * the actions never matters. Repeats of one action on one key merge first, as upstream's maps merge them: the last
 * one wins.
 */
function mergedActions(actions: AttributeActionConfig[], helpers: Joi.CustomHelpers): AttributeActionConfig[] | Joi.ErrorReport {
  const last = new Map<string, number>();
  actions.forEach((a, i) => last.set(`${a.action}\u0000${a.action === 'rename' ? a.source_key : a.key}`, i));
  const merged = actions.filter((a, i) => last.get(`${a.action}\u0000${a.action === 'rename' ? a.source_key : a.key}`) === i);
  const owner = new Map<string, number>();
  for (const [i, a] of merged.entries()) {
    for (const key of a.action === 'rename' ? [a.source_key, a.destination_key] : [a.key]) {
      // An action refused for its own fields has already been reported.
      if (typeof key !== 'string') continue;
      if (owner.has(key)) return helpers.error('attribute.duplicateKey', { attr: key, index: actions.indexOf(a) });
      owner.set(key, i);
    }
  }
  return merged;
}

export const attributeProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:attribute',
  kind: 'processor',
  configSchema: Joi.object({
    actions: Joi.array()
      .items(action)
      .default([])
      .custom((value: AttributeActionConfig[], helpers) => mergedActions(value, helpers))
      .messages({
        'attribute.duplicateKey':
          '{{#label}}: key "{{#attr}}" (action {{#index}}) is already used by another action; upstream refuses a key in two actions, because their order would decide the result',
      }),
    apply_to: Joi.array()
      .items(Joi.string().valid(...APPLY_TO_TARGETS))
      .unique()
      .default(['signal'])
      .custom((value: string[]) => (value.length === 0 ? ['signal'] : value)),
  }),
};
