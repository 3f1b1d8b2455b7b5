import fc from 'fast-check';
import { deeplyNested, junkBodyText, junkJson, junkNumber } from './junk';

/**
 * Request bodies from the OpenAPI document's request schemas, then mutated: a valid body shows that the route's
 * happy path survives odd but legal values; a mutated one (a field of the wrong type, missing, null, huge, an extra
 * field, nested junk) shows that validation answers 400 instead of letting the value reach a query.
 */
type Schema = Record<string, any>;

export interface BodyContext {
  /** Resolves `#/components/schemas/…`. */
  components: Record<string, Schema>;
  /** Real ids for a property that names an entry (`course`, `user`, `question`…), so writes reach the database. */
  idsFor: (property: string) => fc.Arbitrary<unknown> | undefined;
}

function resolve(schema: Schema, context: BodyContext): Schema {
  let resolved = schema;
  for (let hops = 0; resolved?.$ref && hops < 5; hops += 1)
    resolved = context.components[String(resolved.$ref).split('/').pop() as string] ?? {};
  return resolved ?? {};
}

/** A value the schema allows (or nearly: formats and patterns are only approximated). */
export function fromSchema(raw: Schema, context: BodyContext, property = '', depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw, context);
  const ids = property ? context.idsFor(property) : undefined;
  const own = ((): fc.Arbitrary<unknown> => {
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const choices = schema.oneOf ?? schema.anyOf;
    if (choices) return fc.oneof(...choices.map((choice: Schema) => fromSchema(choice, context, property, depth)));
    const type = Array.isArray(schema.type)
      ? schema.type[0]
      : (schema.type ?? (schema.properties ? 'object' : undefined));
    switch (type) {
      case 'object': {
        if (depth > 4) return fc.constant({});
        const properties: Record<string, Schema> = schema.properties ?? {};
        const required: string[] = (schema.required ?? []).filter((name: string) => name in properties);
        const record = fc.record(
          Object.fromEntries(
            Object.entries(properties).map(([name, child]) => [name, fromSchema(child, context, name, depth + 1)])
          ),
          { requiredKeys: required }
        );
        // `{ all: true }` or `{ role }` or `{ course }`: one property exactly, as the schema says.
        if (schema.maxProperties === 1 && Object.keys(properties).length > 1) {
          return fc
            .constantFrom(...Object.keys(properties))
            .chain((name) =>
              fromSchema(properties[name], context, name, depth + 1).map((value) => ({ [name]: value }))
            );
        }
        return record;
      }
      case 'array':
        return fc.array(fromSchema(schema.items ?? {}, context, property, depth + 1), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.min(schema.maxItems ?? 3, 3),
        });
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -3, max: Math.min(schema.maximum ?? 1_000, 1_000) });
      case 'number':
        return fc.double({ min: schema.minimum ?? -3, max: Math.min(schema.maximum ?? 1_000, 1_000), noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'string': {
        if (schema.format === 'date-time')
          return fc
            .date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true })
            .map((date) => date.toISOString());
        if (schema.format === 'date') return fc.constantFrom('2026-01-01', '2031-06-30');
        if (schema.format === 'binary') return fc.constant('binary');
        const minLength = schema.minLength ?? 0;
        const maxLength = Math.min(schema.maxLength ?? 40, 40);
        const words = fc.string({
          unit: 'grapheme',
          minLength: Math.max(minLength, 1),
          maxLength: Math.max(maxLength, minLength, 1),
        });
        if (/e-?mail/i.test(property)) return fc.emailAddress();
        if (/password/i.test(property)) return fc.constantFrom('Secret-pass-1', 'Other-pass-2', 'short');
        return minLength > 0 ? words : fc.oneof(words, fc.constant(''));
      }
      default:
        return junkJson();
    }
  })();
  const nullable = schema.nullable
    ? fc.oneof({ weight: 5, arbitrary: own }, { weight: 1, arbitrary: fc.constant(null) })
    : own;
  return ids ? fc.oneof({ weight: 3, arbitrary: ids }, { weight: 1, arbitrary: nullable }) : nullable;
}

type Path = Array<string | number>;

function pathsOf(value: unknown, path: Path = [], into: Path[] = [], depth = 0): Path[] {
  into.push(path);
  if (depth > 6 || value === null || typeof value !== 'object') return into;
  for (const [key, child] of Object.entries(value))
    pathsOf(child, [...path, Array.isArray(value) ? Number(key) : key], into, depth + 1);
  return into;
}

type Mutation = 'replace' | 'delete' | 'extra' | 'null' | 'wrap' | 'huge' | 'nested' | 'numberAsText';

function apply(value: unknown, path: Path, mutation: Mutation, junk: unknown, extraKey: string): unknown {
  if (path.length === 0) {
    switch (mutation) {
      case 'delete':
        return undefined;
      case 'null':
        return null;
      case 'wrap':
        return [value];
      case 'extra':
        return value && typeof value === 'object' && !Array.isArray(value) ? { ...value, [extraKey]: junk } : junk;
      case 'numberAsText':
        return typeof value === 'number'
          ? String(value)
          : typeof value === 'string' && value !== '' && !Number.isNaN(Number(value))
            ? Number(value)
            : junk;
      default:
        return junk;
    }
  }
  if (value === null || typeof value !== 'object') return value;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...value };
  const changed = apply(copy[head], rest, mutation, junk, extraKey);
  if (changed === undefined) {
    if (Array.isArray(copy)) copy.splice(Number(head), 1);
    else delete copy[head];
  } else copy[head] = changed;
  return copy;
}

/** One to three mutations of a value, each at a place in it that exists. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const mutation = fc.constantFrom<Mutation>(
    'replace',
    'replace',
    'delete',
    'extra',
    'null',
    'wrap',
    'huge',
    'nested',
    'numberAsText'
  );
  const junkFor = (kind: Mutation): fc.Arbitrary<unknown> => {
    if (kind === 'huge')
      return fc.oneof(
        fc.constantFrom(20_000, 200_000).map((length) => 'x'.repeat(length)),
        junkNumber()
      );
    if (kind === 'nested') return deeplyNested();
    return fc.oneof(junkJson(), junkBodyText());
  };
  const step = (value: unknown) =>
    fc
      .tuple(fc.constantFrom(...pathsOf(value)), mutation)
      .chain(([path, kind]) =>
        fc.tuple(
          fc.constant(path),
          fc.constant(kind),
          junkFor(kind),
          fc.constantFrom(
            'unknownField',
            'id',
            'documentId',
            'role',
            'blocked',
            'confirmed',
            'provider',
            'password',
            'publishedAt',
            'createdBy',
            '__proto__'
          )
        )
      )
      .map(([path, kind, junk, extraKey]) => apply(value, path, kind, junk, extraKey));
  return fc.tuple(valid, fc.integer({ min: 1, max: 3 })).chain(([value, times]) => {
    let arbitrary: fc.Arbitrary<unknown> = fc.constant(value);
    for (let index = 0; index < times; index += 1) arbitrary = arbitrary.chain(step);
    return arbitrary;
  });
}

/** A JSON body for a route: valid, mutated, or junk of any shape. */
export function bodyArb(schema: Schema | undefined, context: BodyContext): fc.Arbitrary<unknown> {
  const valid = schema ? fromSchema(schema, context) : fc.constant({});
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 4, arbitrary: mutated(valid) },
    { weight: 1, arbitrary: junkJson() },
    { weight: 1, arbitrary: deeplyNested() }
  );
}

/** Bytes sent as `application/json` that are not JSON, or not the JSON a route expects. */
export const RAW_BODIES = [
  '{',
  '{"data":',
  'null',
  '[]',
  '"text"',
  '123',
  '1e400',
  'true',
  '{"a":1}{"a":2}',
  '{"__proto__":{"polluted":1}}',
  '\u0000',
  '{"data":{"title":"\ud800"}}',
  '',
  ' ',
];
