import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';
import { APPLY_TO_TARGETS, ATTRIBUTE_ACTIONS, type AttributeActionName } from './config.js';

const VALUE_ACTIONS: readonly AttributeActionName[] = ['insert', 'update', 'upsert'];

// An attribute value as YAML gives it; strings are tried first, so `"5"` stays a string and `5` is a number.
const attributeValue = Joi.alternatives(Joi.string().allow(''), Joi.number(), Joi.boolean());

const action = Joi.object({
  action: Joi.string()
    .valid(...ATTRIBUTE_ACTIONS)
    .required(),
  key: Joi.string().required(),
  value: Joi.when('action', {
    is: Joi.valid(...VALUE_ACTIONS),
    then: attributeValue.required(),
    otherwise: Joi.forbidden().messages({ 'any.unknown': '{{#label}} is only allowed with insert, update and upsert' }),
  }),
  new_key: Joi.when('action', {
    is: 'rename',
    then: Joi.string()
      .required()
      .invalid(Joi.ref('key'))
      .messages({ 'any.invalid': '{{#label}} must differ from key' }),
    otherwise: Joi.forbidden().messages({ 'any.unknown': '{{#label}} is only allowed with rename' }),
  }),
});

export const attributeProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:attribute',
  kind: 'processor',
  configSchema: Joi.object({
    actions: Joi.array().items(action).min(1).required(),
    apply_to: Joi.array()
      .items(Joi.string().valid(...APPLY_TO_TARGETS))
      .min(1)
      .unique()
      .default(['record']),
  }),
};
