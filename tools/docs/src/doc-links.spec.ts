import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Markdown files whose links are checked: the README, docs/ and the READMEs they link to. */
const CHECKED_FILES = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.join('docs', name)),
  'tools/stack/README.md',
];

/** The text without fenced blocks and inline code, where brackets are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^\s*```[\s\S]*?^\s*```\s*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of prose(markdown.replace(/`/g, '')).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = match[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function brokenLinks(file: string): string[] {
  const markdown = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const broken: string[] = [];
  for (const match of prose(markdown).matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
    const target = match[1];
    if (/^[a-z]+:/i.test(target)) continue;
    const [relative, anchor] = target.split('#');
    const resolved = relative
      ? path.resolve(path.dirname(path.join(ROOT, file)), relative)
      : path.join(ROOT, file);
    if (!fs.existsSync(resolved)) {
      broken.push(`${file}: ${target} (no such file)`);
    } else if (anchor && resolved.endsWith('.md')) {
      if (!headingAnchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
        broken.push(`${file}: ${target} (no such heading)`);
      }
    }
  }
  return broken;
}

describe('links in README.md and docs/*.md', () => {
  it('point to files and headings that exist', () => {
    expect(CHECKED_FILES.flatMap(brokenLinks)).toEqual([]);
  });
});

describe('headingAnchors', () => {
  it('makes the anchors GitHub makes', () => {
    const markdown = [
      '# Starting and stopping (`npm start`)',
      '## Why not `@nestjs/cqrs`',
      '## Notes',
      '## Notes',
    ].join('\n');
    expect([...headingAnchors(markdown)]).toEqual([
      'starting-and-stopping-npm-start',
      'why-not-nestjscqrs',
      'notes',
      'notes-1',
    ]);
  });
});
