import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

async function sourceFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await sourceFiles(path)));
    else if (/\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

// A rejection handler that drops the error: `.catch(() => undefined)`, `.catch(() => {})`,
// `.catch(() => null)`, `.catch(() => void 0)`, with or without an ignored parameter.
const SWALLOWING_CATCH =
  /\.catch\(\s*(?:\(\s*_?\w*\s*(?::\s*\w+)?\s*\)|_?\w+)\s*=>\s*(?:undefined|null|void 0|\{\s*\})\s*\)/;
// A catch block with nothing in it but whitespace or comments.
const EMPTY_CATCH = /catch\s*(?:\([^)]*\))?\s*\{(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*\}/;

function offences(text: string): string[] {
  const found: string[] = [];
  for (const pattern of [SWALLOWING_CATCH, EMPTY_CATCH]) {
    const global = new RegExp(pattern.source, 'g');
    for (const match of text.matchAll(global)) {
      const line = text.slice(0, match.index).split('\n').length;
      found.push(`line ${line}: ${match[0].replace(/\s+/g, ' ')}`);
    }
  }
  return found;
}

describe('errors in services/ and libs/', () => {
  it('the scan recognises a swallowed error in each form it looks for', () => {
    expect(offences('p.catch(() => undefined);')).toHaveLength(1);
    expect(offences('p.catch((_err) => {});')).toHaveLength(1);
    expect(offences('p.catch(() => null)')).toHaveLength(1);
    expect(offences('try { a(); } catch {\n  // fine\n}')).toHaveLength(1);
    expect(offences('try { a(); } catch (err) {}')).toHaveLength(1);
    expect(offences('p.catch((err: unknown) => log(err))')).toEqual([]);
    expect(offences('try { a(); } catch (err) { report(err); }')).toEqual([]);
  });

  it('are never swallowed: no empty catch and no .catch(() => undefined)', async () => {
    const found: string[] = [];
    for (const dir of ['services', 'libs']) {
      for (const file of await sourceFiles(join(root, dir))) {
        for (const offence of offences(await readFile(file, 'utf8')))
          found.push(`${relative(root, file)} ${offence}`);
      }
    }
    expect(found).toEqual([]);
  });
});
