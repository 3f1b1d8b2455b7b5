/**
 * Small builders for the OpenAPI 3.0 schemas of Lyceum's own routes. Objects allow extra properties:
 * a response may grow a field without breaking clients, while the required ones stay promised.
 */
export type Schema = Record<string, unknown>;

export const string = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
export const integer = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
export const number = (extra: Schema = {}): Schema => ({ type: 'number', ...extra });
export const boolean = (): Schema => ({ type: 'boolean' });
export const dateTime = (): Schema => ({ type: 'string', format: 'date-time' });
export const oneOf = (...values: string[]): Schema => ({ type: 'string', enum: values });
export const nullable = (schema: Schema): Schema => ({ ...schema, nullable: true });
export const array = (items: Schema): Schema => ({ type: 'array', items });
export const anyObject = (): Schema => ({ type: 'object' });

/**
 * An object whose listed properties are all required unless named in `optional`. OpenAPI 3.0 forbids an empty
 * `required` array (validating code generators reject the whole document), so it is left out when all are optional.
 */
export const object = (properties: Record<string, Schema>, optional: string[] = []): Schema => {
  const required = Object.keys(properties).filter((name) => !optional.includes(name));
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
};

/** A request body that takes exactly these fields: Lyceum's custom routes refuse unknown ones with 400. */
export const body = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  ...object(properties, optional),
  additionalProperties: false,
});

export const documentId = (): Schema => string({ minLength: 1, maxLength: 64 });

/** `{ data, meta }`, Strapi's response envelope. */
export const envelope = (data: Schema, meta: Schema = anyObject()): Schema => object({ data, meta });
export const listEnvelope = (item: Schema): Schema => envelope(array(item), anyObject());
export const pagedEnvelope = (item: Schema): Schema =>
  envelope(
    array(item),
    object({ pagination: object({ page: integer(), pageSize: integer(), pageCount: integer(), total: integer() }) })
  );
