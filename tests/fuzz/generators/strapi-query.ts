import fc from 'fast-check';
import { EDGE_NUMBERS, EDGE_NUMBER_TEXTS, junkText } from './junk';

/**
 * Strapi's REST query grammar (filters, sort, populate, fields, pagination, locale, status), generated from the
 * content type's own attributes: mostly well-formed, so the query reaches the database layer, and in every
 * malformed shape a client can write (unknown fields and operators, operands of the wrong type, arrays for objects,
 * huge numbers, deep nesting).
 */
export interface AttributeModel {
  type: string;
  /** The content type a relation or media field points to. */
  target?: string;
}
export type TypeModels = Record<string, { attributes: Record<string, AttributeModel> }>;

const OPERATORS = [
  '$eq',
  '$eqi',
  '$ne',
  '$nei',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$in',
  '$notIn',
  '$contains',
  '$notContains',
  '$containsi',
  '$notContainsi',
  '$null',
  '$notNull',
  '$between',
  '$startsWith',
  '$startsWithi',
  '$endsWith',
  '$endsWithi',
];
const JUNK_OPERATORS = ['$regex', '$raw', '$exists', '$where', 'eq', '$EQ', '$', '$$eq', '$in[]', '$jsonSupersetOf'];
const JUNK_FIELDS = [
  'unknownField',
  'password',
  'resetPasswordToken',
  'email',
  'id',
  'documentId',
  'createdAt',
  'publishedAt',
  'locale',
  'createdBy',
  'updatedBy',
  '__proto__',
  'constructor',
  'title.en',
  '$title',
  '',
  'a'.repeat(300),
];

/** Builds the models from Strapi's registry: only what the generators need (attribute types, relation targets). */
export function typeModelsOf(contentTypes: Record<string, any>): TypeModels {
  const models: TypeModels = {};
  for (const [uid, contentType] of Object.entries(contentTypes)) {
    const attributes: Record<string, AttributeModel> = {};
    for (const [name, attribute] of Object.entries<any>(contentType.attributes ?? {})) {
      attributes[name] = {
        type: attribute.type,
        target: attribute.type === 'media' ? 'plugin::upload.file' : attribute.target,
      };
    }
    attributes.id = { type: 'integer' };
    attributes.documentId = { type: 'string' };
    models[uid] = { attributes };
  }
  return models;
}

function scalarFor(type: string): fc.Arbitrary<unknown> {
  const wellTyped: Record<string, fc.Arbitrary<unknown>> = {
    integer: fc.integer({ min: -5, max: 100 }),
    biginteger: fc.integer({ min: -5, max: 100 }).map(String),
    float: fc.double({ min: -10, max: 100, noNaN: true }),
    decimal: fc.double({ min: -10, max: 100, noNaN: true }),
    boolean: fc.constantFrom(true, false, 'true', 'false', '1', '0'),
    date: fc.constantFrom('2026-01-01', '2030-12-31'),
    datetime: fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-12-05', '2026-01-01T00:00:00+03:00'),
    time: fc.constantFrom('12:00', '12:00:00.000'),
    enumeration: fc.constantFrom('beginner', 'text', 'video', 'active', 'single'),
  };
  return wellTyped[type] ?? fc.constantFrom('Course', 'Lesson 1', 'a', 'Secret content 1');
}

/** An operand for a field of this type: right, or wrong in the ways clients get it wrong. */
function operand(type: string): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: scalarFor(type) },
    { weight: 2, arbitrary: fc.array(scalarFor(type), { maxLength: 4 }) },
    { weight: 2, arbitrary: junkText() },
    { weight: 1, arbitrary: fc.constantFrom(...EDGE_NUMBERS, ...EDGE_NUMBER_TEXTS) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('$eq', 'a', '0', '$in'), junkText(), { maxKeys: 2 }) },
    // Just past the contract's bound of 100 items: enough to prove the bound, short enough to fit a URL.
    {
      weight: 1,
      arbitrary: fc.integer({ min: 99, max: 160 }).map((length) => Array.from({ length }, (_, index) => String(index))),
    }
  );
}

function operatorCondition(type: string): fc.Arbitrary<unknown> {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.constantFrom(...OPERATORS), operand(type))
        .map(([operator, value]) => ({ [operator]: value })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...JUNK_OPERATORS), operand(type))
        .map(([operator, value]) => ({ [operator]: value })),
    },
    { weight: 2, arbitrary: operand(type) },
    { weight: 1, arbitrary: fc.constantFrom(...OPERATORS).map((operator) => ({ $not: { [operator]: 'x' } })) }
  );
}

/** A `filters` value for this content type, nested through relations and logical operators up to `depth`. */
export function filterArb(models: TypeModels, uid: string, depth = 3): fc.Arbitrary<unknown> {
  const attributes = models[uid]?.attributes ?? {};
  const names = Object.keys(attributes);
  const scalarNames = names.filter(
    (name) =>
      !attributes[name].target && attributes[name].type !== 'component' && attributes[name].type !== 'dynamiczone'
  );
  const relationNames = names.filter((name) => attributes[name].target);
  const entries: Array<fc.Arbitrary<[string, unknown]>> = [];
  if (scalarNames.length) {
    entries.push(
      fc
        .constantFrom(...scalarNames)
        .chain((name) => operatorCondition(attributes[name].type).map((value): [string, unknown] => [name, value]))
    );
  }
  entries.push(fc.tuple(fc.constantFrom(...JUNK_FIELDS), operatorCondition('string')));
  if (depth > 0) {
    const nested = (target: string) => filterArb(models, target, depth - 1);
    if (relationNames.length) {
      entries.push(
        fc
          .constantFrom(...relationNames)
          .chain((name) => nested(attributes[name].target as string).map((value): [string, unknown] => [name, value]))
      );
    }
    const same = nested(uid);
    entries.push(
      fc.tuple(
        fc.constantFrom('$or', '$and'),
        fc.oneof(
          { weight: 4, arbitrary: fc.array(same, { minLength: 1, maxLength: 3 }) },
          {
            weight: 1,
            arbitrary: fc
              .integer({ min: 90, max: 160 })
              .map((length) => Array.from({ length }, (_, index) => ({ id: index }))),
          },
          { weight: 2, arbitrary: fc.oneof(junkText(), same, fc.constant([]), fc.constant(['x', 1])) }
        )
      ),
      fc.tuple(fc.constant('$not'), fc.oneof(same, junkText(), fc.array(same, { maxLength: 2 })))
    );
  }
  return fc.array(fc.oneof(...entries), { minLength: 1, maxLength: 3 }).map((pairs) => Object.fromEntries(pairs));
}

function relationPaths(models: TypeModels, uid: string, depth: number): string[] {
  const attributes = models[uid]?.attributes ?? {};
  const paths: string[] = [];
  for (const [name, attribute] of Object.entries(attributes)) {
    if (!attribute.target && attribute.type !== 'component' && attribute.type !== 'dynamiczone') continue;
    paths.push(name);
    if (depth > 0 && attribute.target)
      for (const deeper of relationPaths(models, attribute.target, depth - 1)) paths.push(`${name}.${deeper}`);
  }
  return paths;
}

function fieldNames(models: TypeModels, uid: string): string[] {
  return Object.keys(models[uid]?.attributes ?? {});
}

/** `populate`: `*`, names, dotted chains, and the object form with its own fields, filters, sort and populate. */
export function populateArb(models: TypeModels, uid: string, depth = 2): fc.Arbitrary<unknown> {
  const paths = relationPaths(models, uid, 2);
  const names = paths.length ? paths : ['unknown'];
  const attributes = models[uid]?.attributes ?? {};
  const relations = Object.keys(attributes).filter(
    (name) => attributes[name].target || attributes[name].type === 'component'
  );
  const simple = fc.oneof(
    fc.constantFrom('*', 'true', 'false', '', 'unknownRelation', 'password', ...names),
    fc.array(fc.constantFrom(...names, 'unknownRelation', '*'), { maxLength: 4 }),
    junkText()
  );
  if (depth <= 0 || !relations.length) return simple;
  const objectForm = fc
    .array(
      fc.constantFrom(...relations, 'unknownRelation').chain((name) => {
        const target = attributes[name]?.target;
        const options = target
          ? fc.record(
              {
                fields: fieldsArb(models, target),
                filters: filterArb(models, target, 1),
                sort: sortArb(models, target),
                populate: populateArb(models, target, depth - 1),
                count: fc.boolean(),
                on: fc.dictionary(junkText(), fc.constant(true), { maxKeys: 1 }),
              },
              { requiredKeys: [] }
            )
          : fc.constant({});
        return fc
          .oneof(options, fc.constantFrom(true, false, '*', 'x', 1, []))
          .map((value): [string, unknown] => [name, value]);
      }),
      { minLength: 1, maxLength: 3 }
    )
    .map((pairs) => Object.fromEntries(pairs));
  return fc.oneof({ weight: 2, arbitrary: simple }, { weight: 3, arbitrary: objectForm });
}

export function sortArb(models: TypeModels, uid: string): fc.Arbitrary<unknown> {
  const names = [
    ...fieldNames(models, uid),
    'unknownField',
    'password',
    ...relationPaths(models, uid, 1).map((path) => `${path}.id`),
  ];
  const direction = fc.constantFrom('asc', 'desc', 'ASC', 'sideways', '', 'asc:desc');
  const one = fc.oneof(
    fc.constantFrom(...names),
    fc.tuple(fc.constantFrom(...names), direction).map(([name, way]) => `${name}:${way}`)
  );
  return fc.oneof(
    one,
    fc.array(one, { maxLength: 4 }),
    fc.array(one, { maxLength: 3 }).map((list) => list.join(',')),
    fc
      .tuple(fc.constantFrom(...names), fc.oneof(direction, fc.dictionary(junkText(), direction, { maxKeys: 1 })))
      .map(([name, way]) => ({ [name]: way })),
    junkText()
  );
}

export function fieldsArb(models: TypeModels, uid: string): fc.Arbitrary<unknown> {
  const names = [...fieldNames(models, uid), 'unknownField', 'password', '*', ''];
  return fc.oneof(
    fc.constantFrom(...names),
    fc.array(fc.constantFrom(...names), { maxLength: 4 }),
    fc.array(fc.constantFrom(...names), { maxLength: 3 }).map((list) => list.join(',')),
    fc.dictionary(fc.constantFrom(...names), junkText(), { maxKeys: 2 })
  );
}

const pageNumber = () =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 30 }) },
    { weight: 2, arbitrary: fc.constantFrom(...EDGE_NUMBERS, ...EDGE_NUMBER_TEXTS, 'abc', '') },
    { weight: 1, arbitrary: fc.array(fc.integer(), { maxLength: 2 }) }
  );

export function paginationArb(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.record(
      { page: pageNumber(), pageSize: pageNumber(), withCount: fc.constantFrom('true', 'false', 'maybe', true) },
      { requiredKeys: [] }
    ),
    fc.record({ start: pageNumber(), limit: pageNumber() }, { requiredKeys: [] }),
    fc.record({ page: pageNumber(), limit: pageNumber() }, { requiredKeys: [] }),
    junkText(),
    fc.array(pageNumber(), { maxLength: 2 })
  );
}

/** A whole query object for a list of this content type. */
export function restQueryArb(models: TypeModels, uid: string): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(
    {
      filters: fc.oneof(
        { weight: 5, arbitrary: filterArb(models, uid) },
        { weight: 1, arbitrary: junkText() },
        { weight: 1, arbitrary: fc.array(junkText(), { maxLength: 2 }) }
      ),
      sort: sortArb(models, uid),
      populate: populateArb(models, uid),
      fields: fieldsArb(models, uid),
      pagination: paginationArb(),
      locale: fc.constantFrom('en', 'ru', '*', 'all', 'xx', '', 'en-US', '../en'),
      status: fc.constantFrom('draft', 'published', 'DRAFT', 'x', ''),
      _q: junkText(),
      publicationState: fc.constantFrom('preview', 'live'),
    } as Record<string, fc.Arbitrary<unknown>>,
    { requiredKeys: [] }
  );
}

/** Query strings no object serialises to: malformed brackets and percent escapes, repeated and conflicting keys. */
export const RAW_QUERY_FRAGMENTS = [
  'filters[$and]=x',
  'filters[price][$gt]=abc',
  'filters[id][$between]=1',
  'sort[title][x]=asc',
  'populate[lessons][filters][$and]=x',
  'pagination[page]=1e20',
  'pagination[pageSize]=1e20&pagination[page]=2',
  'filters=%',
  'filters[title]=%E0%A4%A',
  'filters[[[[=1',
  'filters]]=1',
  'filters[title][$in][1000]=a',
  'filters[$or][0][title]=a&filters[$or][500][title]=b',
  'filters[title]=a&filters=b',
  'sort=title&sort[title]=asc',
  'populate=*&populate[lessons]=true',
  'fields[0]=title&fields=slug',
  'populate[0]=lessons.course.lessons.course.lessons.course.lessons.course',
  'filters[createdBy][password][$startsWith]=$',
  'filters[teachers][password][$startsWith]=$',
  'filters[teachers][email][$contains]=@',
  'filters[$or]=',
  'filters[$not][$not][$not]=1',
  'locale[]=en',
  'status[]=draft',
  'pagination[page][]=1',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
  'a=' + 'b'.repeat(4_000),
  '%',
  '%%%',
  '&&&=&',
];
