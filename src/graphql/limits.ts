import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { queryLimitsFrom } from '../query-validation/limits';

/**
 * Bounds on a GraphQL operation, checked on the parsed document and its variables before anything runs:
 * the same bounds REST's query parameters have (items in `or`/`and`/`in`/`notIn`, nesting, page numbers),
 * plus a cost estimate. Pure functions of the document, so a refusal costs no database work.
 */
export interface GraphqlLimits {
  /** Items in one `or`, `and`, `in`, `notIn` or `between` list. */
  listItems: number;
  /** Objects nested inside one argument (a filter through relations, `or` inside `and`…). */
  argumentDepth: number;
  /** Any other list in an argument (quiz answers…): a looser bound against huge payloads. */
  anyListItems: number;
  maxPage: number;
  maxPageSize: number;
  maxStart: number;
  /** Estimated fields resolved: each field counts once per parent it is resolved for. */
  maxCost: number;
  /** The size of the query text and its variables together. */
  maxRequestBytes: number;
  /** Tokens in the query text: graphql-js stops parsing past this. */
  maxTokens: number;
  /** Rows a list field is assumed to return when the query does not say (the plugin's defaultLimit). */
  defaultListSize: number;
}

type Env = { int: (name: string, fallback: number) => number };

/**
 * The bounds REST's query parameters have (items in a list operator, page number, start) are the same numbers here,
 * read from the same settings (`QUERY_MAX_ITEMS`, `QUERY_MAX_PAGE`, `QUERY_MAX_START`), so the two APIs cannot drift
 * apart. The page size is the GraphQL plugin's own `maxLimit`.
 */
export function graphqlLimits(env: Env, processEnv: Record<string, string | undefined> = process.env): GraphqlLimits {
  const rest = queryLimitsFrom(processEnv);
  return {
    listItems: rest.maxItems,
    argumentDepth: 10,
    anyListItems: 1_000,
    maxPage: rest.maxPage,
    maxPageSize: env.int('GRAPHQL_MAX_LIMIT', 100),
    maxStart: rest.maxStart,
    maxCost: env.int('GRAPHQL_MAX_COST', 10_000),
    maxRequestBytes: env.int('GRAPHQL_MAX_REQUEST_KB', 128) * 1024,
    maxTokens: env.int('GRAPHQL_MAX_TOKENS', 15_000),
    defaultListSize: 25,
  };
}

export interface LimitProblem {
  path: string[];
  message: string;
}

const LIST_OPERATORS = new Set(['or', 'and', 'in', 'notIn', 'between', '$or', '$and', '$in', '$notIn', '$between']);

/** The first bound an argument value breaks, walking it as plain JSON (literals and variables alike). */
export function argumentProblem(value: unknown, path: string[], limits: GraphqlLimits, depth = 0): LimitProblem | null {
  if (Array.isArray(value)) {
    const key = path[path.length - 1];
    const bound = LIST_OPERATORS.has(key) ? limits.listItems : limits.anyListItems;
    if (value.length > bound) return { path, message: `${path.join('.')} may hold at most ${bound} items` };
    // A range has two ends; any other count reaches the database as a malformed statement.
    if ((key === 'between' || key === '$between') && value.length !== 2)
      return { path, message: `${path.join('.')} takes exactly two values` };
    for (let index = 0; index < value.length; index += 1) {
      const problem = argumentProblem(value[index], [...path, String(index)], limits, depth);
      if (problem) return problem;
    }
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth + 1 > limits.argumentDepth)
    return { path, message: `${path[0]} is nested deeper than ${limits.argumentDepth} levels` };
  if (path.length === 1 && path[0] === 'pagination') {
    const problem = paginationProblem(value as Record<string, unknown>, limits);
    if (problem) return problem;
  }
  for (const [key, inner] of Object.entries(value)) {
    const problem = argumentProblem(inner, [...path, key], limits, depth + 1);
    if (problem) return problem;
  }
  return null;
}

function paginationProblem(pagination: Record<string, unknown>, limits: GraphqlLimits): LimitProblem | null {
  const bounds: Record<string, [number, number]> = {
    page: [1, limits.maxPage],
    pageSize: [1, limits.maxPageSize],
    limit: [1, limits.maxPageSize],
    start: [0, limits.maxStart],
  };
  for (const [key, [min, max]] of Object.entries(bounds)) {
    const value = pagination[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return { path: ['pagination', key], message: `pagination.${key} must be an integer from ${min} to ${max}` };
    }
  }
  return null;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  limits: GraphqlLimits;
}

const argumentsOf = (field: FieldNode, variables: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    (field.arguments ?? []).map((argument) => [argument.name.value, valueFromASTUntyped(argument.value, variables)])
  );

/** How many rows a field stands for: its own page size, the default for an unpaged list, else one. */
function rowsOf(args: Record<string, unknown>, returnsList: boolean, walk: Walk): number {
  const pagination = args.pagination as Record<string, unknown> | undefined;
  const asked = Number(pagination?.pageSize ?? pagination?.limit);
  if (Number.isFinite(asked) && asked > 0) return Math.min(asked, walk.limits.maxPageSize);
  return returnsList || 'pagination' in args ? walk.limits.defaultListSize : 1;
}

function selectionCost(
  selectionSet: SelectionSetNode,
  parentType: GraphQLNamedType,
  multiplier: number,
  walk: Walk
): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = walk.fragments[selection.name.value];
      const type = fragment ? walk.schema.getType(fragment.typeCondition.name.value) : undefined;
      if (fragment && type) cost += selectionCost(fragment.selectionSet, type, multiplier, walk);
      continue;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parentType;
      if (type) cost += selectionCost(selection.selectionSet, type, multiplier, walk);
      continue;
    }
    const name = selection.name.value;
    // Introspection is bounded by the schema's own size (and is off in production).
    if (name.startsWith('__')) continue;
    cost += multiplier;
    if (!selection.selectionSet || !(isObjectType(parentType) || isInterfaceType(parentType))) continue;
    const definition = parentType.getFields()[name];
    if (!definition) continue;
    // A connection's `nodes` are the rows its field already counted.
    const returnsList = isListType(getNullableType(definition.type)) && name !== 'nodes';
    const rows = rowsOf(argumentsOf(selection, walk.variables), returnsList, walk);
    cost += selectionCost(selection.selectionSet, getNamedType(definition.type), multiplier * rows, walk);
  }
  return cost;
}

/** Every field node of the operation, fragments included (validation has already refused fragment cycles). */
function* fieldsOf(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  seen = new Set<string>()
): Generator<FieldNode> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      yield selection;
      if (selection.selectionSet) yield* fieldsOf(selection.selectionSet, fragments, seen);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      yield* fieldsOf(selection.selectionSet, fragments, seen);
    } else if (!seen.has(selection.name.value) && fragments[selection.name.value]) {
      seen.add(selection.name.value);
      yield* fieldsOf(fragments[selection.name.value].selectionSet, fragments, seen);
    }
  }
}

export interface OperationInput {
  schema: GraphQLSchema;
  document: { definitions: readonly { kind: string }[] };
  operation: OperationDefinitionNode;
  variables?: Record<string, unknown> | null;
  source?: string;
}

/** The first bound the operation breaks (size, an argument, then cost), or null when it may run. */
export function operationProblem(input: OperationInput, limits: GraphqlLimits): LimitProblem | null {
  const variables = input.variables ?? {};
  const bytes = Buffer.byteLength(input.source ?? '') + Buffer.byteLength(JSON.stringify(variables));
  if (bytes > limits.maxRequestBytes) {
    return {
      path: ['query'],
      message: `The query and its variables may be at most ${Math.floor(limits.maxRequestBytes / 1024)} KB`,
    };
  }
  const fragments = Object.fromEntries(
    input.document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment])
  );
  for (const field of fieldsOf(input.operation.selectionSet, fragments)) {
    for (const [name, value] of Object.entries(argumentsOf(field, variables))) {
      const problem = argumentProblem(value, [name], limits);
      if (problem)
        return {
          ...problem,
          path: [field.name.value, ...problem.path],
          message: `${field.name.value}: ${problem.message}`,
        };
    }
  }
  const rootType = input.schema.getRootType(input.operation.operation);
  if (!rootType) return null;
  const cost = selectionCost(input.operation.selectionSet, rootType, 1, {
    schema: input.schema,
    fragments,
    variables,
    limits,
  });
  if (cost > limits.maxCost) {
    return {
      path: ['query'],
      message: `The query would resolve about ${cost} fields; at most ${limits.maxCost} are allowed. Ask for fewer fields or smaller pages`,
    };
  }
  return null;
}
