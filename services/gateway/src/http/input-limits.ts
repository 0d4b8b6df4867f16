/**
 * How big and how deep a request's structured input (a JSON body, a query string, multipart fields) may
 * be. Checked before anything recursive (class-transformer, class-validator, the storable-text walk)
 * touches the input, so no request can exhaust the stack or spend seconds in validation.
 */
export interface InputLimits {
  /** Levels of objects and arrays; the root object is level 1. */
  maxDepth: number;
  /** Properties of one object. */
  maxKeysPerObject: number;
  /** Properties of all objects together. */
  maxTotalKeys: number;
  /** Items of one array. */
  maxArrayItems: number;
  /** UTF-16 code units of one string, value or property name. */
  maxStringLength: number;
}

/** The environment variable that sets each limit: answers name it, so an operator knows what to raise. */
export const INPUT_LIMIT_VARIABLES: Readonly<Record<keyof InputLimits, string>> = {
  maxDepth: 'GATEWAY_MAX_JSON_DEPTH',
  maxKeysPerObject: 'GATEWAY_MAX_JSON_KEYS',
  maxTotalKeys: 'GATEWAY_MAX_JSON_TOTAL_KEYS',
  maxArrayItems: 'GATEWAY_MAX_JSON_ARRAY_ITEMS',
  maxStringLength: 'GATEWAY_MAX_JSON_STRING_LENGTH',
};

/** The variable of the JSON body's byte limit (the body parser's `limit`). */
export const MAX_JSON_BODY_BYTES_VARIABLE = 'MAX_JSON_BODY_BYTES';
