import fc from 'fast-check';
import type { Actor, World } from '../world';
import { ACTORS } from '../world';
import { printable, type FuzzRequest } from './requests';
import { EDGE_NUMBERS, junkText } from './junk';
import type { TypeModels } from './strapi-query';

/**
 * GraphQL operations generated from the served schema (introspection): every query and mutation field, with
 * arguments built from their input types (filters with and/or/not, pagination, ids of seeded entries) and a
 * selection of the return type's scalar fields; plus documents GraphQL itself must refuse cheaply (deep nesting,
 * many aliases, huge `or` lists, broken syntax).
 */
interface TypeRef {
  kind: string;
  name: string | null;
  ofType?: TypeRef | null;
}
interface Field {
  name: string;
  args?: Array<{ name: string; type: TypeRef }>;
  type: TypeRef;
}
interface NamedType {
  kind: string;
  name: string;
  fields?: Field[] | null;
  inputFields?: Array<{ name: string; type: TypeRef }> | null;
  enumValues?: Array<{ name: string }> | null;
}
export interface GraphqlSchema {
  queryType: { name: string };
  mutationType?: { name: string } | null;
  types: NamedType[];
}

/** A GraphQL literal, written out: enum values bare, names checked so junk keys make a syntax error on purpose. */
type Literal = { enum: string } | Literal[] | { [key: string]: Literal } | string | number | boolean | null;
const isEnum = (value: unknown): value is { enum: string } =>
  Boolean(
    value && typeof value === 'object' && 'enum' in (value as object) && Object.keys(value as object).length === 1
  );

function write(value: Literal): string {
  if (value === null) return 'null';
  if (isEnum(value)) return value.enum;
  if (Array.isArray(value)) return `[${value.map(write).join(', ')}]`;
  if (typeof value === 'object')
    return `{ ${Object.entries(value)
      .map(([key, item]) => `${key}: ${write(item)}`)
      .join(', ')} }`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  return JSON.stringify(value);
}

const unwrap = (type: TypeRef): TypeRef =>
  type.ofType && (type.kind === 'NON_NULL' || type.kind === 'LIST') ? unwrap(type.ofType) : type;

export function graphqlRequestArb(
  schema: GraphqlSchema,
  world: World,
  _models: TypeModels,
  actors: readonly Actor[] = ACTORS
): fc.Arbitrary<FuzzRequest> {
  const types = new Map(schema.types.map((type) => [type.name, type]));
  const ids = Object.values(world.pools).flat();
  const idArb = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.oneof(junkText(), fc.constantFrom(...EDGE_NUMBERS)) }
  );

  function valueOf(type: TypeRef, name: string, depth: number): fc.Arbitrary<Literal> {
    if (type.kind === 'NON_NULL' && type.ofType) return valueOf(type.ofType, name, depth);
    if (type.kind === 'LIST' && type.ofType) {
      const item = valueOf(type.ofType, name, depth + 1);
      if (depth > 1) return fc.array(item, { maxLength: 3 });
      // A long list only near the top: nested long lists multiply into millions of nodes.
      return fc.oneof(
        { weight: 5, arbitrary: fc.array(item, { maxLength: 3 }) },
        {
          weight: 1,
          arbitrary: fc
            .integer({ min: 99, max: 160 })
            .chain((length) => item.map((one) => Array.from({ length }, () => one))),
        }
      );
    }
    const named = types.get(type.name ?? '');
    switch (type.name) {
      case 'ID':
        return idArb.map(String);
      case 'Int':
      case 'Long':
        return fc.oneof(fc.integer({ min: -2, max: 50 }), fc.constantFrom(...EDGE_NUMBERS.filter(Number.isInteger)));
      case 'Float':
        return fc.oneof(fc.double({ min: -5, max: 100, noNaN: true }), fc.constantFrom(1e20, -1e20));
      case 'Boolean':
        return fc.boolean();
      case 'String':
      case 'DateTime':
      case 'Date':
      case 'Time':
      case 'I18NLocaleCode':
        return fc.oneof(
          {
            weight: 3,
            arbitrary: /id$/i.test(name)
              ? idArb.map(String)
              : fc.constantFrom('Course', 'en', 'ru', '2026-01-01T00:00:00.000Z', 'title:asc'),
          },
          { weight: 2, arbitrary: junkText() }
        );
      case 'JSON':
        return fc.oneof(
          fc.constant({}),
          fc.dictionary(
            fc.constantFrom('a', 'title', 'name'),
            junkText().map((text): Literal => text),
            { maxKeys: 2 }
          )
        );
      default:
        break;
    }
    if (named?.kind === 'ENUM')
      return fc.constantFrom(...(named.enumValues ?? [{ name: 'X' }]).map((value) => ({ enum: value.name })));
    if (named?.kind === 'INPUT_OBJECT') {
      if (depth > 3) return fc.constant({});
      const fields = named.inputFields ?? [];
      if (!fields.length) return fc.constant({});
      return fc
        .array(fc.constantFrom(...fields), { minLength: 1, maxLength: 3 })
        .chain((chosen) =>
          fc.tuple(
            ...chosen.map((field) =>
              valueOf(field.type, field.name, depth + 1).map((value): [string, Literal] => [field.name, value])
            )
          )
        )
        .map((pairs) => Object.fromEntries(pairs));
    }
    return fc.constant(null);
  }

  function selectionOf(type: TypeRef, depth = 0): string {
    const named = types.get(unwrap(type).name ?? '');
    if (!named || (named.kind !== 'OBJECT' && named.kind !== 'INTERFACE')) return '';
    const fields = named.fields ?? [];
    const scalars = fields.filter((field) => {
      const kind = types.get(unwrap(field.type).name ?? '')?.kind;
      return (kind === 'SCALAR' || kind === 'ENUM') && !(field.args ?? []).some((arg) => arg.type.kind === 'NON_NULL');
    });
    const picked = scalars.slice(0, 4).map((field) => field.name);
    const nested =
      depth < 1
        ? fields.find(
            (field) =>
              types.get(unwrap(field.type).name ?? '')?.kind === 'OBJECT' &&
              !(field.args ?? []).some((arg) => arg.type.kind === 'NON_NULL')
          )
        : undefined;
    const nestedSelection = nested ? selectionOf(nested.type, depth + 1) : '';
    if (nested && nestedSelection) picked.push(`${nested.name} ${nestedSelection}`);
    return picked.length ? `{ ${picked.join(' ')} }` : '{ __typename }';
  }

  const rootFields = (rootName: string | undefined, keyword: string) =>
    (types.get(rootName ?? '')?.fields ?? []).map((field) => ({ keyword, field }));
  const roots = [
    ...rootFields(schema.queryType?.name, 'query'),
    ...rootFields(schema.mutationType?.name ?? undefined, 'mutation'),
  ];

  const operation = fc.constantFrom(...roots).chain(({ keyword, field }) => {
    const args = field.args ?? [];
    const argumentArbs = args.map((arg) =>
      fc.oneof(
        {
          weight: arg.type.kind === 'NON_NULL' ? 10 : 2,
          arbitrary: valueOf(arg.type, arg.name, 0).map((value): [string, Literal] | undefined => [arg.name, value]),
        },
        { weight: 1, arbitrary: fc.constant(undefined) }
      )
    );
    return fc.tuple(...argumentArbs).map((pairs) => {
      const written = pairs
        .filter((pair): pair is [string, Literal] => Boolean(pair))
        .map(([name, value]) => `${name}: ${write(value)}`);
      return `${keyword} { ${field.name}${written.length ? `(${written.join(', ')})` : ''} ${selectionOf(field.type)} }`;
    });
  });

  const hostile = fc.oneof(
    fc
      .integer({ min: 8, max: 30 })
      .map((depth) => `{ courses ${'{ lessons { course '.repeat(depth)}{ title }${' } }'.repeat(depth)} }`),
    fc
      .integer({ min: 20, max: 120 })
      .map(
        (count) => `{ ${Array.from({ length: count }, (_, index) => `a${index}: courses { documentId }`).join(' ')} }`
      ),
    // Past the bound of 100 items (issue 19 saw 1,000 items answer with SQL, 10,000 hold the server for 15 s).
    fc
      .oneof(
        { weight: 2, arbitrary: fc.integer({ min: 100, max: 300 }) },
        { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 1_200 }) }
      )
      .map(
        (count) =>
          `{ courses(filters: { or: [${Array.from({ length: count }, (_, index) => `{ title: { eq: "t${index}" } }`).join(', ')}] }) { documentId } }`
      ),
    fc.constantFrom(
      '{',
      '{ courses { ',
      'query { __typename',
      '{ courses(filters: { title: { eq: $x } }) { documentId } }',
      'mutation { deleteUploadFile(id: "1") }',
      '{ __schema { types { name fields { name } } } }',
      'subscription { x }',
      '{ courses(pagination: { page: 1e20, pageSize: 1e20 }) { documentId } }'
    ),
    junkText()
  );

  return fc
    .record({
      actor: fc.constantFrom(...actors),
      query: fc.oneof({ weight: 6, arbitrary: operation }, { weight: 1, arbitrary: hostile }),
      variables: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.oneof(fc.constant({ x: 1 }), fc.constant('junk'), fc.constant([])) }
      ),
    })
    .map(({ actor, query, variables }) =>
      printable({
        method: 'POST',
        template: `/graphql ${/^(?:query|mutation) \{ (\w+)/.exec(query)?.[1] ?? '(hand-written document)'}`,
        url: '/graphql',
        actor,
        body: { kind: 'json', value: variables === undefined ? { query } : { query, variables } },
      })
    );
}
