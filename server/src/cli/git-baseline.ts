// The only module that starts a process: `git`, for --baseline, with array arguments and no shell.
import { execFileSync } from 'node:child_process';
import { basename, dirname } from 'node:path';
import type { Baseline } from '../analysis';
import { decodeFile } from './encoding';

/** A ref git cannot resolve to a commit: a usage error (exit status 2). */
export class BadBaselineRef extends Error {}

/** A baseline larger than this is not read: ARM refuses templates over 4 MB. */
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

/**
 * Refuses a ref that git could read as an option, or that is empty or has control characters;
 * returns undefined when the ref is acceptable, otherwise why not.
 */
export function invalidRef(ref: string | undefined): string | undefined {
  if (ref === undefined || ref.trim() === '') return '--baseline takes a git ref (HEAD, main, a commit), not nothing.';
  if (ref.startsWith('-')) return `--baseline takes a git ref, not '${ref}': a ref cannot start with '-'.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(ref)) return '--baseline takes a git ref without control characters.';
  return undefined;
}

/**
 * Reads files at a git ref with `git show <ref>:./<name>`, run in the file's own folder so that
 * each file is looked up in the repository that holds it. A folder outside any repository, a
 * missing git, or a file that is not in the ref (untracked, new) gives no baseline, and the
 * file is analysed as without one; `notes` says so once per folder. A ref that the folder's
 * repository cannot resolve throws BadBaselineRef.
 */
export class GitBaselines {
  private readonly verified = new Map<string, boolean>();
  readonly notes: string[] = [];

  constructor(private readonly ref: string) {}

  /** The file's text at the ref, or undefined when there is none. */
  baselineOf(file: string): Baseline | undefined {
    const folder = dirname(file);
    if (!this.refExistsIn(folder)) return undefined;
    try {
      const bytes = execFileSync('git', ['show', `${this.ref}:./${basename(file)}`], {
        cwd: folder,
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: MAX_BASELINE_BYTES,
        windowsHide: true,
      });
      return { text: decodeFile(bytes).text, ref: this.ref };
    } catch {
      // Not in the ref (untracked or new since), or too large: no baseline.
      return undefined;
    }
  }

  /** Whether `folder` is in a repository where the ref names a commit; false outside git. */
  private refExistsIn(folder: string): boolean {
    const known = this.verified.get(folder);
    if (known !== undefined) return known;
    let inRepository = true;
    let exists = false;
    try {
      execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (error) {
      inRepository = false;
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      this.notes.push(`sf-managed-identity: no baseline for ${folder}: ${missing ? 'git is not installed' : 'not in a git repository'}; its templates are checked without one.`);
    }
    if (inRepository) {
      try {
        execFileSync('git', ['rev-parse', '--verify', '--quiet', `${this.ref}^{commit}`], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
        exists = true;
      } catch {
        throw new BadBaselineRef(`--baseline ${this.ref}: git cannot find that ref (a branch, tag or commit) in the repository of ${folder}.`);
      }
    }
    this.verified.set(folder, exists);
    return exists;
  }
}
