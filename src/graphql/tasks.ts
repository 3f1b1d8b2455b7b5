import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam, paginationParams } from '../access/params';
import { callerFrom } from '../access/roles';
import {
  OFFER_FIELDS,
  TASK_FIELDS,
  matchesLimitParam,
  openParam,
  parseOfferInput,
  parseTaskInput,
  taskMatching,
  taskRequests,
} from '../plugins/marketplace/server/src/facade';

/**
 * Task requests in GraphQL, under the same rules as REST (contract "Tutor marketplace"): each operation calls the
 * service its REST route calls, guarded by the same users-permissions action, and answers the REST `data` shape as
 * JSON. Lists answer `{ tasks, pagination }`.
 */
const typeDefs = `
  extend type Query {
    task(documentId: ID!): JSON!
    tasks(open: Boolean, page: Int, pageSize: Int): JSON!
    taskMatches(task: ID!, limit: Int): JSON!
  }

  extend type Mutation {
    createTask(data: JSON!): JSON!
    offerOnTask(task: ID!, data: JSON!): JSON!
    acceptOffer(offer: ID!): JSON!
    completeTask(task: ID!): JSON!
    cancelTask(task: ID!): JSON!
  }
`;

type Caller = ReturnType<typeof callerFrom>;
const resolver =
  (run: (args: any, caller: Caller) => Promise<unknown>) => async (_parent: unknown, args: any, context: any) =>
    run(args, callerFrom(context.state));
const scope = (action: string) => ({ auth: { scope: [`plugin::marketplace.tasks.${action}`] } });

export const taskOperations = ({ strapi }: { strapi: Core.Strapi }) => ({
  typeDefs,
  resolvers: {
    Query: {
      task: resolver(({ documentId }, caller) => taskRequests(strapi).show(caller, documentIdParam(documentId))),
      tasks: resolver(({ open, page, pageSize }, caller) =>
        taskRequests(strapi).list(caller, {
          ...paginationParams({ pagination: { page: page ?? undefined, pageSize: pageSize ?? undefined } }),
          open: openParam(open),
        })
      ),
      taskMatches: resolver(({ task, limit }, caller) =>
        taskMatching(strapi).matches(caller, documentIdParam(task, 'task'), {
          limit: matchesLimitParam(limit),
          now: new Date(),
        })
      ),
    },
    Mutation: {
      createTask: resolver(({ data }, caller) =>
        taskRequests(strapi).create(caller, parseTaskInput(bodyWithOnly(data, TASK_FIELDS), new Date()))
      ),
      offerOnTask: resolver(({ task, data }, caller) =>
        taskRequests(strapi).offer(
          caller,
          documentIdParam(task, 'task'),
          parseOfferInput(bodyWithOnly(data, OFFER_FIELDS)),
          new Date()
        )
      ),
      acceptOffer: resolver(({ offer }, caller) =>
        taskRequests(strapi).accept(caller, documentIdParam(offer, 'offer'), new Date())
      ),
      completeTask: resolver(({ task }, caller) =>
        taskRequests(strapi).complete(caller, documentIdParam(task, 'task'), new Date())
      ),
      cancelTask: resolver(({ task }, caller) =>
        taskRequests(strapi).cancel(caller, documentIdParam(task, 'task'), new Date())
      ),
    },
  },
  resolversConfig: {
    'Query.task': scope('show'),
    'Query.tasks': scope('list'),
    'Query.taskMatches': scope('matches'),
    'Mutation.createTask': scope('create'),
    'Mutation.offerOnTask': scope('offer'),
    'Mutation.acceptOffer': scope('accept'),
    'Mutation.completeTask': scope('complete'),
    'Mutation.cancelTask': scope('cancel'),
  },
});
