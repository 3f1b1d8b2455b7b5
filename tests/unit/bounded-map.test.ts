import { BoundedMap, BoundedSet } from '../../src/cache/bounded-map';

/** The in-process memos (route matches and templates, abilities, course structures, seat rows) stay within a limit. */
describe('BoundedMap', () => {
  test('keeps up to its limit, then empties itself before taking a new key', () => {
    const map = new BoundedMap<string, number>(3);
    map.set('a', 1).set('b', 2).set('c', 3);
    expect([...map.entries()]).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    map.set('d', 4);
    expect([...map.entries()]).toEqual([['d', 4]]);
  });

  test('a key it holds is replaced in place, at the limit too, with nothing dropped', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 10);
    expect([...map.entries()]).toEqual([
      ['a', 10],
      ['b', 2],
    ]);
  });

  test('is a Map to its readers: get, has, delete, size', () => {
    const map = new BoundedMap<string, string | undefined>(5);
    map.set('none', undefined);
    expect(map.has('none')).toBe(true);
    expect(map.get('none')).toBeUndefined();
    expect(map.delete('none')).toBe(true);
    expect(map.size).toBe(0);
    expect(map).toBeInstanceOf(Map);
  });
});

describe('BoundedSet', () => {
  test('keeps up to its limit, then empties itself before taking a new value; a held one changes nothing', () => {
    const set = new BoundedSet<string>(2);
    set.add('a').add('b').add('a');
    expect([...set]).toEqual(['a', 'b']);
    set.add('c');
    expect([...set]).toEqual(['c']);
    expect(set).toBeInstanceOf(Set);
  });
});
