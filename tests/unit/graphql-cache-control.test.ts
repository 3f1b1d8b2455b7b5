import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { env } from '@strapi/utils';
import { GraphQLError } from 'graphql';
import { apolloServerOptions, noStoreAnswers } from '../../src/graphql/apollo';

/**
 * Apollo's cache-control plugin is off (per-field work for one header, src/graphql/apollo.ts) and `noStoreAnswers`
 * sets the header instead: on a schema without cache hints, as Lyceum's, every answer carries the header the stock
 * plugin gave it.
 */
const typeDefs = `
  type Category { name: String }
  type Course { title: String, category: Category, broken: String }
  type Query { courses: [Course], course: Course }
`;
const resolvers = {
  Query: {
    courses: () => [
      { title: 'Alpha', category: { name: 'Programming' } },
      { title: 'Beta', category: null },
    ],
    course: () => ({ title: 'Alpha' }),
  },
  Course: {
    broken: () => {
      throw new GraphQLError('refused');
    },
  },
};

async function headerOf(plugins: ApolloServerPlugin[], query: string): Promise<string | undefined> {
  const server = new ApolloServer({ typeDefs, resolvers, plugins });
  await server.start();
  try {
    const answer = await server.executeOperation({ query });
    return answer.http.headers.get('cache-control');
  } finally {
    await server.stop();
  }
}

const requests: Array<[string, string]> = [
  ['a list with nested objects', '{ courses { title category { name } } }'],
  ['one object', '{ course { title } }'],
  ['a field that throws', '{ courses { title broken } }'],
  ['a query that fails validation', '{ courses { price } }'],
  ['a query that cannot be parsed', '{ courses { '],
];

describe('GraphQL answers keep the cache-control header of Apollo’s stock plugin', () => {
  test.each(requests)('%s: no-store, as the stock plugin answers', async (_name, query) => {
    const stock = await headerOf([], query);
    expect(stock).toBe('no-store');
    expect(await headerOf([ApolloServerPluginCacheControlDisabled(), noStoreAnswers], query)).toBe(stock);
  });

  test('without the replacement, switching the plugin off drops the header (the replacement is what sets it)', async () => {
    expect(await headerOf([ApolloServerPluginCacheControlDisabled()], '{ course { title } }')).toBeUndefined();
  });

  test("Lyceum's Apollo options switch the stock plugin off and set the header", () => {
    const { plugins } = apolloServerOptions(env as any);
    expect(plugins).toContain(noStoreAnswers);
    expect(plugins).toContainEqual(ApolloServerPluginCacheControlDisabled());
  });
});
