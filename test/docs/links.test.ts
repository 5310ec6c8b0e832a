import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/processes.ts';

// The README and docs/ are read on GitHub and in a clone without network: every link and
// every path they name must lead somewhere inside this repository.

/** The README, docs/, and every other Markdown page the repository ships (a package's README). */
function markdownPages(dir = ''): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory())
      return ['node_modules', 'dist', '.git', '.cache'].includes(entry.name) || entry.name.startsWith('.')
        ? []
        : markdownPages(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

const pages = markdownPages().sort();

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1] ?? '')));
}

/** Markdown links and images outside code blocks: `[text](target)`. */
function linksIn(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? '');
}

/** Repository paths named in code spans, such as `services/enforcer/README.md`. */
function pathsIn(text: string): string[] {
  const spans = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1] ?? '');
  return spans.filter(
    (s) =>
      !/[<>*…|{}$]/.test(s) &&
      (/^(services|libs|docs|deploy|models|test)\/[\w./-]+\.\w+$/.test(s) || /^[\w./-]+\.md$/.test(s)),
  );
}

function frontPage(page: string): boolean {
  return page === 'README.md' || page.startsWith('docs/');
}

/** What is wrong with one link from `page`, or null when it resolves inside the repo. */
function problemWith(page: string, target: string): string | null {
  if (/^[a-z][a-z+.-]*:/i.test(target))
    // A package's README may credit a project elsewhere; the front page and docs/ stand alone.
    return frontPage(page) ? `${target} leaves the repository` : null;
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? join(repoRoot, page) : resolve(dirname(join(repoRoot, page)), path);
  const inside = relative(repoRoot, file);
  if (inside.startsWith('..')) return `${target} points outside the repository`;
  if (!existsSync(file)) return `${target} does not exist`;
  if (anchor && statSync(file).isFile() && file.endsWith('.md') && !anchorsOf(file).has(anchor))
    return `${target}: no heading "#${anchor}" in ${inside}`;
  return null;
}

describe('README, docs and package README links', () => {
  it.each(pages)('every link in %s resolves inside the repository', (page) => {
    const text = readFileSync(join(repoRoot, page), 'utf8');
    const problems = linksIn(text)
      .map((target) => problemWith(page, target))
      .filter((p) => p !== null);
    expect(problems).toEqual([]);
  });

  it.each(pages)('every repository path %s names exists', (page) => {
    const text = readFileSync(join(repoRoot, page), 'utf8');
    const missing = pathsIn(text).filter(
      (path) => !existsSync(join(repoRoot, path)) && !existsSync(join(repoRoot, dirname(page), path)),
    );
    expect(missing).toEqual([]);
  });

  it('the checker itself catches a link that leaves the repository or names a missing file', () => {
    expect(problemWith('README.md', '../shared/ARCHITECTURE.md')).toMatch(/outside the repository/);
    expect(problemWith('README.md', 'JOIN_TRACE.md')).toMatch(/does not exist/);
    expect(problemWith('README.md', 'https://example.com')).toMatch(/leaves the repository/);
    expect(problemWith('docs/operations.md', 'https://example.com')).toMatch(/leaves the repository/);
    expect(problemWith('libs/sandbox/README.md', '../../JOIN_TRACE.md')).toMatch(/does not exist/);
    expect(problemWith('docs/operations.md', 'kubernetes.md#no-such-heading')).toMatch(/no heading/);
    expect(problemWith('README.md', 'docs/kubernetes.md#monitoring')).toBeNull();
  });

  it('the README keeps to exactly two Quickstart commands', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const quickstart = /## Quickstart[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(quickstart.trim().split('\n')).toHaveLength(2);
  });
});
