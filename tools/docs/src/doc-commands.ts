/** The line that marks the next fenced shell block as illustrative: nothing in CI runs it. */
export const EXAMPLE_MARKER = '<!-- example -->';

/** A command the docs may show unmarked, because CI runs it; `runBy` must contain `evidence`. */
export interface CommandCiRuns {
  command: string;
  runBy: string;
  /** Text in `runBy` that shows it runs the command (default: the command itself). */
  evidence?: string;
}

export const COMMANDS_CI_RUNS: readonly CommandCiRuns[] = [
  { command: 'npm ci', runBy: '.ci/run' },
  { command: 'npm run lint', runBy: '.ci/run' },
  { command: 'npm test', runBy: '.ci/run' },
  // `npm start` builds, then execs the launcher; `npm test` builds, and this e2e helper runs the launcher.
  { command: 'npm start', runBy: 'test/support/launcher-process.ts', evidence: "'start.js'" },
];

export interface ShellBlock {
  /** 1-based line of the opening fence. */
  line: number;
  example: boolean;
  commands: string[];
}

const SHELL_FENCE = /^\s*```(bash|sh|shell|console|zsh)\s*$/;

/** The simple commands of a block: continuations joined, comments and prompts dropped, `&&` `||` `;` split. */
export function commandsOf(lines: readonly string[]): string[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of lines) {
    if (line.trimEnd().endsWith('\\')) {
      pending += `${line.trimEnd().slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  if (pending) logical.push(pending);
  return logical
    .map((line) =>
      line
        .trim()
        .replace(/^\$\s+/, '')
        .replace(/\s+#\s.*$/, ''),
    )
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .flatMap((line) => line.split(/&&|\|\||;/))
    .map((command) => command.trim())
    .filter((command) => command.length > 0);
}

/** Every fenced shell block of a markdown text, and whether the marker line precedes it. */
export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const fence = /^\s*```/.exec(lines[index]);
    if (!fence) continue;
    const end = lines.findIndex((line, at) => at > index && /^\s*```\s*$/.test(line));
    const closing = end === -1 ? lines.length : end;
    if (SHELL_FENCE.test(lines[index])) {
      let previous = index - 1;
      while (previous >= 0 && lines[previous].trim() === '') previous -= 1;
      blocks.push({
        line: index + 1,
        example: previous >= 0 && lines[previous].trim() === EXAMPLE_MARKER,
        commands: commandsOf(lines.slice(index + 1, closing)),
      });
    }
    index = closing;
  }
  return blocks;
}
