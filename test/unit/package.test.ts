/**
 * What `npm pack` would publish: only what a user of the package needs
 * (the compiled library, the commands, the web page, README, LICENSE), never
 * tests, benchmarks, scripts, screenshots or the TLS key of the test fixtures.
 * Runs `npm pack --dry-run` (nothing is written) on the repository itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Paths may be under these folders, or be exactly one of the top-level files. */
const ALLOWED_PREFIXES = ['dist/', 'bin/', 'web/'];
const ALLOWED_TOP_LEVEL = ['README.md', 'LICENSE', 'package.json'];
const REQUIRED = ['dist/index.js', 'dist/index.d.ts', 'bin/server.js', 'web/index.html', 'LICENSE', 'README.md', 'package.json'];
const FORBIDDEN_PREFIXES = ['test/', 'bench/', 'docs/', 'scripts/', 'lib/', 'node_modules/', '.ci/'];

interface PackResult {
  files: { path: string }[];
}

function packedFiles(): string[] {
  // --ignore-scripts: no prepack/prepare build; the list is what is on disk.
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [result] = JSON.parse(out) as PackResult[];
  assert.ok(result, 'npm pack printed a result');
  return result.files.map((f) => f.path).sort();
}

const files = packedFiles();
console.log(`npm pack would publish ${files.length} files`);

test('every packed file is under dist/, bin/ or web/, or is README.md, LICENSE or package.json', () => {
  const stray = files.filter((path) => !ALLOWED_TOP_LEVEL.includes(path) && !ALLOWED_PREFIXES.some((p) => path.startsWith(p)));
  assert.deepEqual(stray, []);
});

test('the library, its types, the server command, the web page and the licence are packed', () => {
  const missing = REQUIRED.filter((path) => !files.includes(path));
  assert.deepEqual(missing, []);
});

test('no tests, benchmarks, docs, scripts, sources or private keys are packed', () => {
  const forbidden = files.filter(
    (path) => FORBIDDEN_PREFIXES.some((p) => path.startsWith(p)) || path.endsWith('.pem') || path.endsWith('.key') || (path.endsWith('.ts') && !path.endsWith('.d.ts')),
  );
  assert.deepEqual(forbidden, []);
});

test('every entry point named in package.json is packed', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', `file://${REPO}`), 'utf8')) as {
    main: string;
    types: string;
    bin: Record<string, string>;
    exports: Record<string, string | Record<string, string>>;
  };
  const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin)];
  for (const target of Object.values(pkg.exports)) {
    targets.push(...(typeof target === 'string' ? [target] : Object.values(target)));
  }
  const missing = targets.map((t) => t.replace(/^\.\//, '')).filter((path) => !files.includes(path));
  assert.deepEqual(missing, []);
});

test('the package resolves its own exports (wschat/server, wschat/chat, wschat/websocket, wschat/wire)', async () => {
  // A package may import itself by name through its "exports" (Node's
  // self-reference), which is exactly what a user's `import` resolves.
  // Specifiers in variables: the type checker must not need a built dist/.
  const expected: [string, string][] = [
    ['wschat', 'WebSocketServer'],
    ['wschat/server', 'createChatServer'],
    ['wschat/chat', 'ChatReplica'],
    ['wschat/websocket', 'connect'],
    ['wschat/wire', 'ChatCloseCode'],
  ];
  for (const [specifier, name] of expected) {
    const loaded = (await import(specifier)) as Record<string, unknown>;
    assert.notEqual(loaded[name], undefined, `${specifier} exports ${name}`);
  }
});
