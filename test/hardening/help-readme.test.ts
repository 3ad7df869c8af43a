/**
 * `node bin/server.js --help` and the README's configuration table list the
 * same options with the same environment variables. The help text is
 * `usage()` (bin/server.js prints it as is), so this runs without a build.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { usage } from '../../lib/server/options.ts';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** option → environment variable, from the first column of the table under "## Configuration". */
function readmeOptions(): Map<string, string> {
  const section = README.slice(README.indexOf('\n## Configuration'));
  const table = section.slice(section.indexOf('\n|')).split('\n').slice(1);
  const options = new Map<string, string>();
  for (const row of table) {
    if (!row.startsWith('|')) break;
    const first = row.split('|')[1]!;
    if (/^-+$/.test(first.trim()) || first.trim() === 'option') continue;
    const flags = [...first.matchAll(/`(--[a-z-]+)`/g)].map((m) => m[1]!);
    const envs = [...first.matchAll(/`([A-Z_]+)(?:=[a-z]+)?`/g)].map((m) => m[1]!);
    assert.equal(flags.length, envs.length, `row ${row}: each option needs its variable`);
    flags.forEach((flag, i) => options.set(flag, envs[i]!));
  }
  return options;
}

function helpOptions(): Map<string, string> {
  const options = new Map<string, string>();
  for (const line of usage().split('\n')) {
    const match = /^ {2}(--[a-z-]+)\s+(?:\[([A-Z_]+)\])?/.exec(line);
    if (match && match[1] !== '--help') options.set(match[1]!, match[2] ?? '');
  }
  return options;
}

describe('--help and the README agree', () => {
  it('the same options, each with the same environment variable', () => {
    const readme = readmeOptions();
    const help = helpOptions();
    assert.ok(help.size >= 20, `too few options parsed from --help: ${help.size}`);
    assert.deepEqual([...readme.keys()].sort(), [...help.keys()].sort());
    for (const [flag, env] of help) assert.equal(readme.get(flag), env, flag);
  });
});
