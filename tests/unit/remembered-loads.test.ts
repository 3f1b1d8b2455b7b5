import { RememberedLoads } from '../../src/cache/remembered-loads';

/** A read that settles when told: what a database round trip looks like to the memo. */
function pendingRead<Value>() {
  let resolve!: (value: Value) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<Value>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('RememberedLoads', () => {
  it('shares one read among the callers of a key, in flight and after', async () => {
    const memo = new RememberedLoads<string>({ max: 10 });
    const read = pendingRead<string>();
    const load = jest.fn(() => read.promise);
    const first = memo.get('a', load);
    const second = memo.get('a', load);
    read.resolve('row');
    expect(await first).toBe('row');
    expect(await second).toBe('row');
    expect(await memo.get('a', load)).toBe('row');
    expect(load).toHaveBeenCalledTimes(1);
    expect(await memo.get('b', async () => 'other')).toBe('other');
  });

  it('does not keep a failed read: the next caller reads again', async () => {
    const memo = new RememberedLoads<string>({ max: 10 });
    await expect(memo.get('a', () => Promise.reject(new Error('database away')))).rejects.toThrow('database away');
    await settled();
    expect(memo.keys()).toEqual([]);
    expect(await memo.get('a', async () => 'row')).toBe('row');
  });

  it('a read that fails after a forget drops only itself, not the newer read set meanwhile', async () => {
    const memo = new RememberedLoads<string>({ max: 10 });
    const old = pendingRead<string>();
    const stale = memo.get('a', () => old.promise);
    memo.forget('a');
    const load = jest.fn(async () => 'new');
    expect(await memo.get('a', load)).toBe('new');
    old.reject(new Error('late failure'));
    await expect(stale).rejects.toThrow('late failure');
    await settled();
    expect(await memo.get('a', load)).toBe('new');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets a value `keep` refuses once it is read', async () => {
    const memo = new RememberedLoads<string | null>({ max: 10 });
    const keep = (value: string | null) => value !== null;
    expect(await memo.get('missing', async () => null, { keep })).toBeNull();
    expect(await memo.get('present', async () => 'row', { keep })).toBe('row');
    await settled();
    expect(memo.keys()).toEqual(['present']);
  });

  it('reads again once an entry is older than ttl', async () => {
    const memo = new RememberedLoads<number>({ max: 10, ttl: 30 });
    let reads = 0;
    const load = async () => ++reads;
    expect(await memo.get('a', load)).toBe(1);
    expect(await memo.get('a', load)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(memo.keys()).toEqual([]);
    expect(await memo.get('a', load)).toBe(2);
  });

  it('past max, forgets the least recently used key', async () => {
    const memo = new RememberedLoads<string>({ max: 2 });
    await memo.get('a', async () => 'a');
    await memo.get('b', async () => 'b');
    await memo.get('a', async () => 'unused');
    await memo.get('c', async () => 'c');
    expect(memo.keys().sort()).toEqual(['a', 'c']);
  });

  it('forgets by tag, and everything at once', async () => {
    const memo = new RememberedLoads<string, string>({ max: 10 });
    await memo.get('s1', async () => 'live', { tag: 'user-1' });
    await memo.get('s2', async () => 'live', { tag: 'user-1' });
    await memo.get('s3', async () => 'live', { tag: 'user-2' });
    memo.forgetTagged((user) => user === 'user-1');
    expect(memo.keys()).toEqual(['s3']);
    memo.forgetAll();
    expect(memo.keys()).toEqual([]);
  });
});
