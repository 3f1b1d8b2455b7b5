import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import { graphqlLimits, operationProblem, type GraphqlLimits } from './limits';
import {
  graphqlCodeOf,
  graphqlErrorOf,
  safeGraphqlError,
  withRefusalCode,
  type FormattedError,
} from '../errors/graphql';
import { invalidFields } from '../errors/refusal';

type Env = {
  (name: string, fallback?: string): string;
  int: (name: string, fallback: number) => number;
  bool: (name: string, fallback: boolean) => boolean;
};

/** A refusal before execution: the 400 Refusal as GraphQL shows it, and an HTTP 400 (nothing ran). */
function refusal(problem: { path: string[]; message: string }): GraphQLError {
  const refused = invalidFields([{ path: problem.path, message: problem.message, name: 'ValidationError' }]);
  return new GraphQLError(refused.message, {
    extensions: { code: graphqlCodeOf(refused), http: { status: 400 }, error: graphqlErrorOf(refused) },
  });
}

/** Refuses an operation past the bounds (src/graphql/limits.ts) once it is parsed and validated, before it runs. */
export const operationBounds = (limits: GraphqlLimits) => ({
  async requestDidStart() {
    return {
      async didResolveOperation(context: any) {
        if (!context.operation) return;
        const problem = operationProblem(
          {
            schema: context.schema,
            document: context.document,
            operation: context.operation,
            variables: context.request.variables,
            source: context.source,
          },
          limits
        );
        if (problem) throw refusal(problem);
      },
    };
  },
});

/**
 * Runs over every error of every answer, after Strapi's formatter gave it its code (FORBIDDEN,
 * BAD_USER_INPUT, STRAPI_*): a Refusal gets the code of its status, then nothing may show the server's insides
 * (src/errors/graphql.ts). A response hook rather than a second `formatError`, so Strapi's own formatter stays
 * as it ships. Apollo formats `context.errors` in order, one formatted error each, so the two lists pair up.
 */
export const safeErrors = {
  async requestDidStart() {
    return {
      async willSendResponse(context: any) {
        const body = context.response?.body;
        if (body?.kind === 'single' && Array.isArray(body.singleResult?.errors)) {
          const originals: readonly unknown[] = context.errors ?? [];
          const paired = originals.length === body.singleResult.errors.length;
          body.singleResult.errors = body.singleResult.errors.map((error: FormattedError, index: number) =>
            safeGraphqlError(paired ? withRefusalCode(error, originals[index]) : error)
          );
        }
      },
    };
  },
};

/**
 * Apollo's cache-control plugin, which Apollo installs unless told otherwise, computes a cache policy for every
 * resolved field (a `willResolveField` hook, a policy object and a callback per field: about 3% of the server's
 * CPU in the `graphql-catalog` row's profile before the garbage they leave, issue 24) to reach one header. Lyceum's schema has no `@cacheControl` hints, so
 * that header is always `no-store` (the root fields take `defaultMaxAge` 0; an answer without execution has no
 * max-age either). The plugin is switched off and the header set here once per response, as it was.
 * tests/unit/graphql-cache-control.test.ts compares the headers with the stock plugin's.
 */
export const noStoreAnswers = {
  async requestDidStart() {
    return {
      async willSendResponse(context: any) {
        context.response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

/**
 * Apollo options for config/plugins.ts. The graphql plugin merges them with its own (arrays are joined, so
 * its depth limit and landing page stay). Introspection is on outside production unless
 * GRAPHQL_INTROSPECTION says otherwise; stack traces are never sent.
 */
export function apolloServerOptions(env: Env) {
  const limits = graphqlLimits(env);
  return {
    introspection: env.bool('GRAPHQL_INTROSPECTION', env('NODE_ENV') !== 'production'),
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: limits.maxTokens },
    plugins: [operationBounds(limits), safeErrors, ApolloServerPluginCacheControlDisabled(), noStoreAnswers],
  };
}
