import { loadInBatch, oncePerRequest } from '../../src/graphql/request-batches';

/** The per-request batches GraphQL's catalog relations are read through (src/graphql/request-batches.ts). */

const doubler = () => {
  const calls: number[][] = [];
  const load = async (keys: number[]) => {
    calls.push(keys);
    return new Map(keys.filter((key) => key !== 404).map((key) => [key, key * 2]));
  };
  return { calls, load };
};

describe('loadInBatch', () => {
  test('keys asked for in one wave are read once, each answered with its own value', async () => {
    const context = {};
    const { calls, load } = doubler();
    const values = await Promise.all([1, 2, 3, 2].map((key) => loadInBatch(context, 'double', load, key)));
    expect(values).toEqual([2, 4, 6, 4]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  test('a key the read does not answer is null, not a neighbour value', async () => {
    const { load } = doubler();
    const context = {};
    expect(await Promise.all([1, 404].map((key) => loadInBatch(context, 'double', load, key)))).toEqual([2, null]);
  });

  test('keys asked for after a wave was sent make a wave of their own', async () => {
    const context = {};
    const { calls, load } = doubler();
    await loadInBatch(context, 'double', load, 1);
    await loadInBatch(context, 'double', load, 2);
    expect(calls).toEqual([[1], [2]]);
  });

  test('two requests never share a batch', async () => {
    const { calls, load } = doubler();
    await Promise.all([loadInBatch({}, 'double', load, 1), loadInBatch({}, 'double', load, 2)]);
    expect(calls).toEqual([[1], [2]]);
  });

  test('batches of other names are read apart', async () => {
    const context = {};
    const first = doubler();
    const second = doubler();
    await Promise.all([loadInBatch(context, 'a', first.load, 1), loadInBatch(context, 'b', second.load, 2)]);
    expect([first.calls, second.calls]).toEqual([[[1]], [[2]]]);
  });

  test('a failed read fails every key of its wave with its error', async () => {
    const context = {};
    const failing = async (): Promise<Map<number, number>> => {
      throw new Error('database unreachable');
    };
    const results = await Promise.allSettled([1, 2].map((key) => loadInBatch(context, 'fail', failing, key)));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await expect(loadInBatch(context, 'fail', failing, 3)).rejects.toThrow('database unreachable');
  });
});

describe('oncePerRequest', () => {
  test('runs its work once per request and name, and again for another request', async () => {
    let runs = 0;
    const work = async () => ++runs;
    const context = {};
    expect(await Promise.all([oncePerRequest(context, 'plan', work), oncePerRequest(context, 'plan', work)])).toEqual([
      1, 1,
    ]);
    expect(await oncePerRequest({}, 'plan', work)).toBe(2);
    expect(await oncePerRequest(context, 'other', work)).toBe(3);
  });
});
