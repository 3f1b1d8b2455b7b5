/**
 * OpenAPI 3.0 rules that no JSON Schema can express. `@apidevtools/swagger-parser` checks them only for
 * Swagger 2.0 (for an `openapi: 3.x` document its spec step returns at once), so a strict check of Lyceum's
 * document needs them here. Input: the document with every `$ref` resolved (what `SwaggerParser.validate`
 * returns). Output: every problem found, each naming where it is, so a failing test lists them all at once.
 */
type Node = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function pathParameterProblems(template: string, parameters: Node[], where: string): string[] {
  const problems: string[] = [];
  const placeholders = [...template.matchAll(/\{([^}]+)\}/g)].map(([, name]) => name);
  for (const name of new Set(placeholders.filter((name, index) => placeholders.indexOf(name) !== index))) {
    problems.push(`${where}: the path names {${name}} more than once`);
  }
  const declared = parameters.filter((parameter) => parameter.in === 'path');
  for (const parameter of declared) {
    if (parameter.required !== true)
      problems.push(`${where}: path parameter "${parameter.name}" must have required: true`);
    if (!placeholders.includes(parameter.name))
      problems.push(`${where}: path parameter "${parameter.name}" has no {${parameter.name}} in the path`);
  }
  for (const name of placeholders) {
    if (!declared.some((parameter) => parameter.name === name))
      problems.push(`${where}: {${name}} is not declared as a path parameter`);
  }
  return problems;
}

function duplicateParameterProblems(parameters: Node[], where: string): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const parameter of parameters) {
    const key = `${parameter.in} parameter "${parameter.name}"`;
    if (seen.has(key)) problems.push(`${where}: more than one ${key}`);
    seen.add(key);
  }
  return problems;
}

/** Properties a schema declares, its `allOf` parents' included. */
function declaredProperties(schema: Node, into = new Set<string>()): Set<string> {
  for (const name of Object.keys(schema.properties ?? {})) into.add(name);
  for (const parent of schema.allOf ?? []) if (parent && typeof parent === 'object') declaredProperties(parent, into);
  return into;
}

/** Every schema-shaped object under `node`; resolved `$ref`s may make cycles, so each object is seen once. */
function schemaProblems(node: unknown, where: string, seen: Set<object>, problems: string[]) {
  if (!node || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    node.forEach((item, index) => schemaProblems(item, `${where}/${index}`, seen, problems));
    return;
  }
  const schema = node as Node;
  if (Array.isArray(schema.required) && schema.required.length === 0) problems.push(`${where}: empty required array`);
  if (schema.type === 'object' && Array.isArray(schema.required) && (schema.properties || schema.allOf)) {
    const properties = declaredProperties(schema);
    for (const name of schema.required) {
      if (typeof name === 'string' && !properties.has(name))
        problems.push(`${where}: "${name}" is required but not among the properties`);
    }
  }
  if (schema.type === 'array' && !schema.items) problems.push(`${where}: an array schema must have items`);
  for (const [key, value] of Object.entries(schema)) schemaProblems(value, `${where}/${key}`, seen, problems);
}

export function openApiSpecProblems(document: Node): string[] {
  const problems: string[] = [];
  const operationIds = new Map<string, string>();
  const schemes = new Set(Object.keys(document.components?.securitySchemes ?? {}));
  const securityProblems = (requirements: unknown, where: string) => {
    for (const requirement of Array.isArray(requirements) ? requirements : []) {
      for (const name of Object.keys(requirement ?? {})) {
        if (!schemes.has(name))
          problems.push(`${where}: security scheme "${name}" is not in components.securitySchemes`);
      }
    }
  };
  securityProblems(document.security, '#/security');
  const tagNames: unknown[] = (document.tags ?? []).map((tag: Node) => tag?.name);
  for (const name of new Set(tagNames.filter((name, index) => tagNames.indexOf(name) !== index)))
    problems.push(`#/tags: "${String(name)}" is listed more than once`);

  for (const [template, item] of Object.entries<Node>(document.paths ?? {})) {
    // A path is a template of the path alone: a query string or fragment in it is a different operation no client can name.
    if (/[?#]/.test(template)) problems.push(`${template}: a path may not carry a query string or fragment`);
    const pathParameters: Node[] = item.parameters ?? [];
    problems.push(...duplicateParameterProblems(pathParameters, `${template}`));
    for (const method of METHODS) {
      const operation: Node | undefined = item[method];
      if (!operation) continue;
      const where = `${method.toUpperCase()} ${template}`;
      if (operation.operationId !== undefined) {
        const first = operationIds.get(operation.operationId);
        if (first) problems.push(`${where}: operationId "${operation.operationId}" is also ${first}'s`);
        else operationIds.set(operation.operationId, where);
      }
      const ownParameters: Node[] = operation.parameters ?? [];
      problems.push(...duplicateParameterProblems(ownParameters, where));
      // An operation's parameter overrides the path item's one of the same name and location.
      const inherited = pathParameters.filter(
        (parameter) => !ownParameters.some((own) => own.name === parameter.name && own.in === parameter.in)
      );
      problems.push(...pathParameterProblems(template, [...ownParameters, ...inherited], where));
      securityProblems(operation.security, where);
    }
  }

  const seen = new Set<object>();
  schemaProblems(document.paths, '#/paths', seen, problems);
  schemaProblems(document.components, '#/components', seen, problems);
  return problems;
}
