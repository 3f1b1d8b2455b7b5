import { readdirSync, readFileSync, statSync } from 'fs';
import path from 'path';

/**
 * The module graph (README, "Architecture"): each local plugin is used by others only through its facade
 * (`server/src/facade.ts`, typed, no `any`), the core never reaches into a plugin, and plugins depend on each other
 * one way. Read from the sources, so a new reach-in fails here before it ships.
 */

const SRC = path.resolve(__dirname, '../../src');
const PLUGINS = readdirSync(path.join(SRC, 'plugins')).filter((name) =>
  statSync(path.join(SRC, 'plugins', name)).isDirectory()
);
/** Shared code the plugins build on; it never imports a plugin. */
const CORE = [
  'access',
  'audit',
  'database',
  'content',
  'jobs',
  'cache',
  'query-validation',
  'http',
  'uploads',
  'operations',
  'media',
];

/**
 * Which plugins each plugin may use (through their facades): grading reports a pass to progress, progress decides
 * completion from enrollments, certificates react to progress's event (no import) and read enrollments, community
 * and messaging read enrollments, commerce holds seats and enrolls buyers (and answers enrollment's paid-orders port,
 * so enrollment never imports commerce). Everything else (an edge back, a cycle) is refused.
 */
const ALLOWED: Record<string, string[]> = {
  enrollment: [],
  progress: ['enrollment'],
  grading: ['progress', 'enrollment'],
  certificates: ['enrollment'],
  community: ['enrollment', 'account'],
  messaging: ['enrollment', 'account'],
  commerce: ['enrollment'],
  search: [],
  audit: [],
  // Sessions, settings and push: the core only; profiles and messaging ask it for the privacy switches.
  account: [],
  media: [],
  // Social learning scores its self-check quiz posts with grading's rules, and tells search of a post hidden or
  // restored by a fixed statement.
  social: ['grading', 'search', 'account'],
  // The marketplace reads enrollments (verified clients) and registers its tutors with search; its tasks validate
  // money with commerce's rules and answer messaging's contact port (an accepted offer joins student and tutor);
  // tutor profiles follow their owners' privacy settings (account).
  marketplace: ['enrollment', 'search', 'commerce', 'messaging', 'account'],
};

const facadeOf = (plugin: string) => path.join(SRC, 'plugins', plugin, 'server/src/facade.ts');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The module a file belongs to: `plugin:<name>`, `core`, or `app` (content types, GraphQL, bootstrap…). */
function moduleOf(file: string): string {
  const [top, name] = path.relative(SRC, file).split(path.sep);
  if (top === 'plugins') return `plugin:${name}`;
  return CORE.includes(top) ? 'core' : 'app';
}

interface Violation {
  file: string;
  problem: string;
}

/** What one file breaks: untyped calls into another plugin, imports of another plugin's internals. */
function boundaryViolations(file: string, text: string): { violations: Violation[]; uses: string[] } {
  const own = moduleOf(file);
  const violations: Violation[] = [];
  const uses = new Set<string>();
  const relative = path.relative(SRC, file);
  for (const match of text.matchAll(/\.plugin\(\s*['"]([a-z-]+)['"]\s*\)/g)) {
    const target = match[1];
    if (!PLUGINS.includes(target) || own === `plugin:${target}`) continue;
    violations.push({ file: relative, problem: `calls plugin '${target}' untyped: import its facade instead` });
  }
  for (const match of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"](\.[^'"]+)['"]/g)) {
    const resolved = path.resolve(path.dirname(file), match[1]);
    const inside = path.relative(path.join(SRC, 'plugins'), resolved).split(path.sep);
    if (inside[0] === '..' || !PLUGINS.includes(inside[0]) || own === `plugin:${inside[0]}`) continue;
    const target = inside[0];
    if (own === 'core') violations.push({ file: relative, problem: `the core imports plugin '${target}'` });
    else if (resolved.replace(/\.ts$/, '') !== facadeOf(target).replace(/\.ts$/, ''))
      violations.push({
        file: relative,
        problem: `imports ${match[1]}: only plugin '${target}''s facade may be imported`,
      });
    uses.add(target);
  }
  return { violations, uses: [...uses] };
}

function pluginGraph(): Map<string, Set<string>> {
  const graph = new Map(PLUGINS.map((plugin) => [plugin, new Set<string>()]));
  for (const file of sourceFiles(SRC)) {
    const own = moduleOf(file);
    if (!own.startsWith('plugin:')) continue;
    for (const target of boundaryViolations(file, readFileSync(file, 'utf8')).uses)
      graph.get(own.slice('plugin:'.length))!.add(target);
  }
  return graph;
}

/** A cycle of the graph as a path (`a → b → a`), or null. */
function findCycle(graph: Map<string, Set<string>>): string | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];
  const visit = (node: string): string | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'visiting') return [...trail.slice(trail.indexOf(node)), node].join(' → ');
    state.set(node, 'visiting');
    trail.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    trail.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe('module boundaries', () => {
  test('no file calls another plugin untyped or imports its internals; the core imports no plugin', () => {
    const violations = sourceFiles(SRC).flatMap(
      (file) => boundaryViolations(file, readFileSync(file, 'utf8')).violations
    );
    expect(violations).toEqual([]);
  });

  test('every facade is typed: no `any` crosses a plugin', () => {
    const facades = PLUGINS.map(facadeOf).filter((file) => {
      try {
        return statSync(file).isFile();
      } catch {
        return false;
      }
    });
    expect(facades.length).toBeGreaterThanOrEqual(5);
    for (const file of facades) expect([file, /\bany\b/.test(readFileSync(file, 'utf8'))]).toEqual([file, false]);
  });

  test('plugins depend on each other one way, as the architecture says, and without a cycle', () => {
    const graph = pluginGraph();
    const unexpected = [...graph].flatMap(([plugin, targets]) =>
      [...targets]
        .filter((target) => !(ALLOWED[plugin] ?? []).includes(target))
        .map((target) => `${plugin} → ${target}`)
    );
    expect(unexpected).toEqual([]);
    expect(findCycle(graph)).toBeNull();
    expect(
      findCycle(new Map(Object.entries(ALLOWED).map(([plugin, targets]) => [plugin, new Set(targets)])))
    ).toBeNull();
    // The dependencies the architecture relies on are really there (the scan sees imports).
    expect([...graph.get('grading')!]).toContain('progress');
    expect([...graph.get('progress')!]).toContain('enrollment');
    expect([...graph.get('commerce')!]).toContain('enrollment');
    expect([...graph.get('enrollment')!]).toEqual([]);
  });

  test('the scan catches a reach-in, an internal import, a core import and a cycle', () => {
    const progressFile = path.join(SRC, 'plugins/progress/server/src/services/x.ts');
    const coreFile = path.join(SRC, 'access/x.ts');
    expect(
      boundaryViolations(progressFile, "strapi\n  .plugin('grading')\n  .service('quiz-results')").violations
    ).toHaveLength(1);
    expect(
      boundaryViolations(progressFile, "import { x } from '../../../../grading/server/src/services/quiz-results';")
        .violations
    ).toHaveLength(1);
    expect(
      boundaryViolations(progressFile, "import { x } from '../../../../enrollment/server/src/facade';").violations
    ).toEqual([]);
    expect(
      boundaryViolations(coreFile, "import { x } from '../plugins/enrollment/server/src/facade';").violations
    ).toHaveLength(1);
    expect(
      findCycle(
        new Map([
          ['progress', new Set(['grading'])],
          ['grading', new Set(['progress'])],
        ])
      )
    ).toBe('progress → grading → progress');
  });
});
