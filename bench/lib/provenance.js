// Which code a benchmark ran: the git commit and the newest file time of
// dist/ (the build others may redo while a run is going on).
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './servers.js';

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** "commit abc1234, dist/ built 2026-...Z" (of the copy at `root` if given, e.g. useCodeSnapshot()'s). */
export function distStamp(root = ROOT) {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {}
  let built = 'missing';
  try {
    built = new Date(newestMtime(join(root, 'dist'))).toISOString();
  } catch {}
  return `commit ${commit}, dist/ built ${built}`;
}
