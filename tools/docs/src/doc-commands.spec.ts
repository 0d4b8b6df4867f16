import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS_CI_RUNS, commandsOf, shellBlocks } from './doc-commands';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** README.md and every page of docs/. */
function documentationFiles(): string[] {
  const pages = fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.join('docs', name));
  return ['README.md', ...pages];
}

describe('commands in README.md and docs/*.md', () => {
  it('are run by CI, or marked as an example', () => {
    const allowed = new Set(COMMANDS_CI_RUNS.map((entry) => entry.command));
    const unmarked = documentationFiles().flatMap((file) =>
      shellBlocks(fs.readFileSync(path.join(ROOT, file), 'utf8'))
        .filter((block) => !block.example)
        .flatMap((block) => block.commands.map((command) => ({ file, line: block.line, command }))),
    );
    const notRunByCi = unmarked
      .filter(({ command }) => !allowed.has(command))
      .map(({ file, line, command }) => `${file}:${line}: ${command}`);
    expect(notRunByCi).toEqual([]);
  });

  it('allows only commands whose runner really runs them', () => {
    const missing = COMMANDS_CI_RUNS.filter(
      ({ command, runBy, evidence }) =>
        !fs.readFileSync(path.join(ROOT, runBy), 'utf8').includes(evidence ?? command),
    ).map(({ command, runBy }) => `${command} (${runBy})`);
    expect(missing).toEqual([]);
  });

  it('include the README test command, which .ci/run runs exactly', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const ciRun = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    const testCommand = 'npm ci && npm run lint && npm test';
    expect(readme).toContain(testCommand);
    expect(ciRun.split('\n')).toContain(testCommand);
  });
});

describe('shellBlocks', () => {
  it('marks a block preceded by the example line and splits its commands', () => {
    const markdown = [
      'Run:',
      '',
      '```bash',
      'npm ci && npm test   # everything',
      '```',
      '',
      '<!-- example -->',
      '',
      '```sh',
      '# a comment',
      'curl -s http://x/ \\',
      "  -d '{}'",
      '```',
      '',
      '```json',
      '{ "not": "shell" }',
      '```',
    ].join('\n');
    expect(shellBlocks(markdown)).toEqual([
      { line: 3, example: false, commands: ['npm ci', 'npm test'] },
      { line: 9, example: true, commands: ["curl -s http://x/    -d '{}'"] },
    ]);
  });

  it('drops prompts and keeps a # that is not a comment', () => {
    expect(commandsOf(['$ echo a#b; ls'])).toEqual(['echo a#b', 'ls']);
  });
});
