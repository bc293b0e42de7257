import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

// Only the composition root may know the adapters; the rest of the core stays platform-neutral.
const compositionRoot = new Set(['src/main.ts', 'src/start.ts']);

describe('the core', () => {
  it('never imports an adapter or a platform SDK', () => {
    const offenders = sourceFiles('src')
      .map((file) => relative('.', file))
      .filter((file) => !compositionRoot.has(file))
      .filter((file) => /from ['"](\.\.\/)+adapters\/|from ['"](@slack\/|discord\.js|@discordjs\/)/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('migrations import nothing from src/', () => {
    const offenders = sourceFiles('migrations').filter((file) => /from ['"]\.\.\/src\//.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
