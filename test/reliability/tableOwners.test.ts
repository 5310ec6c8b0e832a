import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TABLE_OWNERS } from '@chat-guard/store';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const WRITE =
  /\b(?:insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(\s*'([a-z_]+)'|\b(?:insert\s+into|update|delete\s+from)\s+([a-z_]+)\b/g;
const READ = /\bselectFrom\(\s*'([a-z_]+)'/g;

async function tsFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await tsFiles(path)));
    else if (entry.name.endsWith('.ts')) found.push(path);
  }
  return found;
}

/** Tables named in `pattern` in `text`, keeping only real tables (SQL prose words fall away). */
function tablesIn(text: string, pattern: RegExp): Set<string> {
  const tables = new Set<string>();
  for (const match of text.matchAll(pattern)) {
    const table = match[1] ?? match[2] ?? '';
    if (table in TABLE_OWNERS) tables.add(table);
  }
  return tables;
}

/** The tables the migrations leave: created in an `up`, not dropped by a later `up`. */
async function migratedTables(): Promise<Set<string>> {
  const dir = join(root, 'libs/store/src/migrations');
  const tables = new Set<string>();
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.ts')).sort()) {
    const text = await readFile(join(dir, name), 'utf8');
    const up = text.slice(text.indexOf('function up'), text.indexOf('function down'));
    for (const m of up.matchAll(/createTable\(\s*'([a-z_]+)'/g)) tables.add(m[1] ?? '');
    for (const m of up.matchAll(/dropTable\(\s*'([a-z_]+)'/g)) tables.delete(m[1] ?? '');
  }
  return tables;
}

/** The exported functions of each lib that write a table: what a service writes by calling them. */
async function libWriters(): Promise<Map<string, Set<string>>> {
  const writers = new Map<string, Set<string>>();
  for (const file of await tsFiles(join(root, 'libs'))) {
    if (file.includes('/migrations/') || file.includes('/libs/cli/')) continue;
    const text = await readFile(file, 'utf8');
    const parts = text.split(/(?=^export (?:async )?function )/m);
    for (const part of parts) {
      const name = /^export (?:async )?function (\w+)/.exec(part)?.[1];
      const tables = tablesIn(part, WRITE);
      if (name && tables.size > 0) writers.set(name, tables);
    }
  }
  return writers;
}

async function serviceNames(): Promise<string[]> {
  return (await readdir(join(root, 'services'), { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

describe('one owner per table', () => {
  it('names an owning service for every table the migrations create, and no other', async () => {
    expect([...(await migratedTables())].sort()).toEqual(Object.keys(TABLE_OWNERS).sort());
    const services = await serviceNames();
    for (const owner of Object.values(TABLE_OWNERS)) expect(services).toContain(owner);
  });

  it('finds writes directly and through a lib function, and tells prose from tables', () => {
    expect(tablesIn("db.updateTable('lockdown').set({})", WRITE)).toEqual(new Set(['lockdown']));
    expect(tablesIn('sql`insert into audit_log (a) values (1)`', WRITE)).toEqual(new Set(['audit_log']));
    expect(tablesIn('// update the cache, delete from memory', WRITE)).toEqual(new Set());
  });

  // No exceptions: the dashboard asks the gateway (owner of guild_config and campaign) and
  // waits for its answer (`ownerRequests` in libs/events).
  it('has no service write a table another service owns, directly or through a lib', async () => {
    const writers = await libWriters();
    const trespasses: string[] = [];
    for (const service of await serviceNames()) {
      for (const file of await tsFiles(join(root, 'services', service, 'src'))) {
        const text = await readFile(file, 'utf8');
        const written = tablesIn(text, WRITE);
        for (const [fn, tables] of writers) {
          if (new RegExp(`\\b${fn}\\(`).test(text)) for (const t of tables) written.add(t);
        }
        for (const table of written) {
          const owner = TABLE_OWNERS[table as keyof typeof TABLE_OWNERS];
          if (owner !== service)
            trespasses.push(
              `${service} writes ${table} (owned by ${owner}) in ${file.slice(root.length + 1)}`,
            );
        }
      }
    }
    expect(trespasses).toEqual([]);
  });

  it("has no service query another service's table but through the owner's query module", async () => {
    const trespasses: string[] = [];
    for (const service of await serviceNames()) {
      for (const file of await tsFiles(join(root, 'services', service, 'src'))) {
        for (const table of tablesIn(await readFile(file, 'utf8'), READ)) {
          const owner = TABLE_OWNERS[table as keyof typeof TABLE_OWNERS];
          if (owner !== service)
            trespasses.push(
              `${service} reads ${table} (owned by ${owner}) in ${file.slice(root.length + 1)}`,
            );
        }
      }
    }
    expect(trespasses).toEqual([]);
  });
});
