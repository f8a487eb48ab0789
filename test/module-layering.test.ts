import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

/**
 * Module dependencies run one way (docs/adr/0017-module-layering.md): this reads the import
 * statements of src/modules and fails when a module imports a module above it, when module units
 * import each other in a circle, or when a module reaches up into the composition root.
 */

/** Service layers, lowest first: a module's services import only services of lower layers. */
const LAYERS: readonly (readonly string[])[] = [
  ['ops', 'accounts', 'users', 'idempotency', 'events', 'notifications', 'comments'],
  ['jobs', 'webhooks', 'catalog'],
  ['stock', 'product-warehouses'],
  ['backorders', 'product-locations', 'transfer'],
  ['picklists'],
  ['orders', 'purchasing'],
  ['receipts', 'purchase-advice'],
  ['backorder-lifecycle'],
];

/** Files that are a unit of their own rather than part of their folder's module. */
const OWN_UNIT: Readonly<Record<string, string>> = {
  'modules/backorders/backorders.lifecycle.ts': 'backorder-lifecycle',
};

/**
 * Data files: SQL, plain reads and schemas, and leaves (files that import no other module file,
 * like a list of event names). Any service may use them; they use only data files.
 */
const DATA = /\.(repository|reads|queries|schemas)\.ts$/;

/**
 * Entry points: routes, and the files that take the whole Services (job runners, the CLI, the
 * event stream). They may import any module; no other module file may import them.
 */
const ENTRY = /\.routes\.ts$/;
const ENTRY_FILES: ReadonlySet<string> = new Set([
  'modules/jobs/jobs.work.ts',
  'modules/events/events.stream.ts',
  'modules/ops/ops.cli.ts',
  'modules/orders/orders.productstatus.ts',
]);

/** What a non-entry module file may import outside src/modules: nothing that imports modules. */
const BELOW_MODULES = [/^db\//, /^domain\//, /^http\/(schemas|errors)\.ts$/, /^config\.ts$/, /^logging\.ts$/];

type Kind = 'entry' | 'data' | 'service';

interface Unit {
  kind: Kind;
  /** `stock` for a service unit, `stock.data` for the data files of stock, `stock.entry` for entries. */
  name: string;
  /** Index in LAYERS for service units; -1 when the module is in no layer. */
  layer: number;
}

function unitOf(file: string, leaves: ReadonlySet<string>): Unit {
  const folder = file.split('/')[1]!;
  const kind: Kind =
    ENTRY.test(file) || ENTRY_FILES.has(file)
      ? 'entry'
      : DATA.test(file) || leaves.has(file)
        ? 'data'
        : 'service';
  if (kind !== 'service') return { kind, name: `${folder}.${kind}`, layer: -1 };
  const name = OWN_UNIT[file] ?? folder;
  return { kind, name, layer: LAYERS.findIndex((l) => l.includes(name)) };
}

/** Relative import specifiers of a source text: static imports and re-exports, and dynamic import(). */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(
    /\b(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g,
  ))
    found.push(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found.filter((s) => s.startsWith('.'));
}

/**
 * Checks the imports of module files (paths relative to src/, e.g. `modules/stock/stock.service.ts`,
 * each with its relative import specifiers). Answers one message per violation; empty when the
 * layering holds.
 */
export function checkLayering(files: ReadonlyMap<string, readonly string[]>): string[] {
  const problems: string[] = [];
  const edges = new Map<string, Set<string>>();
  const resolve = (file: string, spec: string) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
  const leaves = new Set(
    [...files]
      .filter(([file, specs]) => specs.every((s) => !resolve(file, s).startsWith('modules/')))
      .map(([file]) => file),
  );
  for (const [file, specs] of files) {
    const from = unitOf(file, leaves);
    if (from.kind === 'service' && from.layer < 0)
      problems.push(`${file}: module "${from.name}" is in no layer; add it to LAYERS (and to ADR 0017)`);
    for (const spec of specs) {
      const target = resolve(file, spec);
      if (!target.startsWith('modules/')) {
        if (from.kind !== 'entry' && !BELOW_MODULES.some((r) => r.test(target)))
          problems.push(`${file} imports ${target}, which sits above the modules`);
        continue;
      }
      const to = unitOf(target, leaves);
      if (to.name === from.name) continue;
      if (from.kind !== 'entry') {
        if (!edges.has(from.name)) edges.set(from.name, new Set());
        edges.get(from.name)!.add(to.name);
      }
      if (from.kind === 'entry') continue;
      if (to.kind === 'entry') problems.push(`${file} imports the entry point ${target}`);
      else if (from.kind === 'data' && to.kind === 'service')
        problems.push(`${file} is a data file but imports the service file ${target}`);
      else if (from.kind === 'service' && to.kind === 'service' && from.layer >= 0 && to.layer >= from.layer)
        problems.push(
          `${file} (${from.name}, layer ${from.layer}) imports ${target} (${to.name}, layer ${to.layer}): a module imports only modules below it`,
        );
    }
  }
  for (const cycle of cyclesOf(edges)) problems.push(`import cycle between modules: ${cycle.join(' -> ')}`);
  return problems;
}

/** Each cycle of the graph found by a depth-first search, as the path that closes it. */
function cyclesOf(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of [...(edges.get(n) ?? [])].sort()) {
      if (state.get(m) === 'open') cycles.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...edges.keys()].sort()) if (!state.has(n)) visit(n);
  return cycles;
}

function moduleFiles(): Map<string, string[]> {
  const src = path.join(import.meta.dirname, '..', 'src');
  const files = new Map<string, string[]>();
  for (const folder of readdirSync(path.join(src, 'modules'), { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const f of readdirSync(path.join(src, 'modules', folder.name))) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
      const rel = `modules/${folder.name}/${f}`;
      files.set(rel, importsOf(readFileSync(path.join(src, rel), 'utf8')));
    }
  }
  return files;
}

describe('module layering', () => {
  test('when the imports of src/modules are read, then every module imports only modules below it and no cycle exists', () => {
    const files = moduleFiles();
    assert.ok(files.size > 50, `expected the module files, found ${files.size}`);
    assert.deepEqual(checkLayering(files), []);
  });

  test('when services.ts is read, then no service is wired after it was created', () => {
    const root = readFileSync(path.join(import.meta.dirname, '..', 'src', 'services.ts'), 'utf8');
    // A late-bound setter (catalog.useStockReader(...), purchasing.onExpectedChange(...)) is how
    // circles between modules were closed before ADR 0017.
    assert.deepEqual(root.match(/\b\w+\.(use|on)[A-Z]\w*\(/g) ?? [], []);
  });

  test('when a module imports one above it, then the check names the import', () => {
    const problems = checkLayering(
      new Map([['modules/stock/stock.service.ts', ['../orders/orders.service.ts', './stock.repository.ts']]]),
    );
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /stock\.service\.ts \(stock, layer 2\) imports modules\/orders\/orders\.service\.ts/,
    );
  });

  test('when data files import each other in a circle, then the check reports the cycle', () => {
    const problems = checkLayering(
      new Map([
        ['modules/stock/stock.reads.ts', ['../catalog/catalog.repository.ts']],
        ['modules/catalog/catalog.repository.ts', ['../stock/stock.reads.ts']],
      ]),
    );
    assert.deepEqual(problems, ['import cycle between modules: catalog.data -> stock.data -> catalog.data']);
  });

  test('when a service reaches the composition root, a data file a service, or a module an entry point, then each is reported', () => {
    const problems = checkLayering(
      new Map([
        ['modules/transfer/transfer.service.ts', ['../../services.ts']],
        ['modules/orders/orders.repository.ts', ['../picklists/picklists.service.ts']],
        ['modules/receipts/receipts.service.ts', ['../jobs/jobs.work.ts']],
        ['modules/brandnew/brandnew.service.ts', ['../events/events.service.ts']],
      ]),
    );
    assert.equal(problems.length, 4, problems.join('\n'));
  });

  test('when a file has multi-line, type-only and dynamic imports, then all of them are read', () => {
    const source = [
      "import type {\n  A,\n  B,\n} from '../a/a.service.ts';",
      "import { c } from './c.ts';",
      "export { d } from '../d/d.repository.ts';",
      "const e = await import('../e/e.ts');",
      "import { Type } from '@sinclair/typebox';",
    ].join('\n');
    assert.deepEqual(importsOf(source), ['../a/a.service.ts', './c.ts', '../d/d.repository.ts', '../e/e.ts']);
  });
});
