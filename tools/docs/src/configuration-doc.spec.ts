import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_LOADERS, SYSTEM_VARIABLES, UNTYPED_VARIABLES } from './config-sources';
import { collectVariables, markdownTable, renderConfigurationDoc } from './configuration-doc';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCANNED_FOLDERS = ['libs', 'services', 'tools', 'test'];

/** Source files that can read the environment; unit specs only fake environments, and tools/docs lists names. */
function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    const isSource = /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.spec.ts');
    return isSource && !full.startsWith(path.join(ROOT, 'tools', 'docs')) ? [full] : [];
  });
}

const ENV_READS = [
  /process\.env\.([A-Z][A-Z0-9_]*)/g,
  /process\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g,
  /\benv\.([A-Z][A-Z0-9_]*)\b/g,
  /envVar: '([A-Z][A-Z0-9_]*)'/g,
  /\b(?:fromEnv|envInt)\('([A-Z][A-Z0-9_]*)'/g,
];

/** Variable names the sources read outside EnvReader, with a file that reads each. */
function variablesReadInSources(): Map<string, string> {
  const found = new Map<string, string>();
  const files = [
    ...SCANNED_FOLDERS.flatMap((folder) => sourceFiles(path.join(ROOT, folder))),
    'jest.config.js',
  ];
  for (const file of files) {
    const text = fs.readFileSync(path.resolve(ROOT, file), 'utf8');
    for (const pattern of ENV_READS) {
      for (const match of text.matchAll(pattern)) found.set(match[1], path.relative(ROOT, file));
    }
  }
  return found;
}

describe('docs/configuration.md', () => {
  it('is what `npm run docs:config` writes', () => {
    const written = fs.readFileSync(path.join(ROOT, 'docs', 'configuration.md'), 'utf8');
    const generated = renderConfigurationDoc(CONFIG_LOADERS, UNTYPED_VARIABLES);
    if (written !== generated) {
      throw new Error(
        'docs/configuration.md is out of date with the typed config: run `npm run docs:config`',
      );
    }
  });

  it('has a description for every variable the config loaders read', () => {
    const undescribed = collectVariables(CONFIG_LOADERS)
      .filter((variable) => !variable.doc)
      .map((variable) => variable.name);
    expect(undescribed).toEqual([]);
  });

  it('lists every variable the sources read outside the typed config', () => {
    const documented = new Set([
      ...collectVariables(CONFIG_LOADERS).map((variable) => variable.name),
      ...UNTYPED_VARIABLES.map((variable) => variable.name),
      ...SYSTEM_VARIABLES,
    ]);
    const undocumented = [...variablesReadInSources()]
      .filter(([name]) => !documented.has(name))
      .map(([name, file]) => `${name} (${file})`);
    expect(undocumented).toEqual([]);
  });

  it('lists no untyped variable that nothing reads any more', () => {
    const read = variablesReadInSources();
    const stale = UNTYPED_VARIABLES.map((variable) => variable.name).filter((name) => !read.has(name));
    expect(stale).toEqual([]);
  });
});

describe('collectVariables', () => {
  it('shows per-service defaults when the services differ, and one value when they agree', () => {
    const variables = collectVariables(CONFIG_LOADERS);
    const opsPort = variables.find((variable) => variable.name === 'OPS_PORT');
    expect(Object.fromEntries(opsPort?.defaults ?? [])).toMatchObject({
      scraper: '`3001`',
      risk: '`3003`',
      documents: '`3004`',
      projector: '`3002`',
    });
    const brokers = variables.find((variable) => variable.name === 'KAFKA_BROKERS');
    expect(new Set(brokers?.defaults.values())).toEqual(new Set(['`127.0.0.1:9092`']));
  });

  it('finds settings that are read only after another one chose them', () => {
    const s3Bucket = collectVariables(CONFIG_LOADERS).find((variable) => variable.name === 'S3_BUCKET');
    expect(s3Bucket?.usedBy).toEqual(['gateway', 'documents']);
  });
});

describe('markdownTable', () => {
  it('pads every column to its widest cell and escapes pipes', () => {
    expect(markdownTable(['a', 'long header'], [['x|y', 'z']])).toBe(
      ['| a    | long header |', '| ---- | ----------- |', '| x\\|y | z           |'].join('\n'),
    );
  });
});
