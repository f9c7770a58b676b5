import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// A consumer project is what a user has after `npm install faultline`: a fresh directory outside
// this repository, with the packed tarball installed from disk and its dependencies from the
// registry. Commands run there see nothing of this repository's node_modules.

/** The repository's root (tests run from it). */
export const REPOSITORY = resolve('.');

/** What a command printed, and how it ended. */
export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for commands in the consumer project: npm's own variables (set when the tests
 * run under `npm test`) would point npm back at this repository, and its node_modules/.bin would
 * shadow the consumer's binaries.
 */
function consumerEnvironment(cacheDirectory: string): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) environment[key] = value;
  }
  environment['PATH'] = (process.env['PATH'] ?? '')
    .split(':')
    .filter((entry) => !entry.startsWith(REPOSITORY) && !entry.includes('node_modules/.bin'))
    .join(':');
  environment['npm_config_cache'] = cacheDirectory;
  environment['npm_config_update_notifier'] = 'false';
  return environment;
}

/** A fresh project with the packed package installed, and a way to run commands in it. */
export class ConsumerProject {
  readonly root: string;
  readonly directory: string;
  private readonly environment: NodeJS.ProcessEnv;

  private constructor(root: string) {
    this.root = root;
    this.directory = join(root, 'app');
    this.environment = consumerEnvironment(join(root, 'npm-cache'));
  }

  /** Packs this repository (its built dist/) and installs the tarball into a new project. */
  static create(): ConsumerProject {
    if (!existsSync(join(REPOSITORY, 'dist', 'index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` before the consumer tests (.ci/run does)');
    }
    const project = new ConsumerProject(mkdtempSync(join(tmpdir(), 'faultline-consumer-')));
    const tarball = project.pack();
    mkdirSync(project.directory);
    project.write('package.json', JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
    project.npm(tarball);
    return project;
  }

  private pack(): string {
    const packed = this.run('npm', ['pack', '--json', '--pack-destination', this.root], REPOSITORY);
    if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    return join(this.root, filename);
  }

  /** `npm install <specs>` in the project; throws with npm's output when it fails. */
  npm(...specs: string[]): void {
    const result = this.run('npm', ['install', '--no-audit', '--no-fund', '--no-update-notifier', ...specs]);
    if (result.status !== 0) throw new Error(`npm install ${specs.join(' ')} failed:\n${result.stderr}`);
  }

  /** Writes a file in the project. */
  write(file: string, text: string): void {
    writeFileSync(join(this.directory, file), text);
  }

  /** Reads a file of the project. */
  read(file: string): string {
    return readFileSync(join(this.directory, file), 'utf8');
  }

  /** Runs a command in the project (or in `cwd`) with the consumer's environment. */
  run(command: string, args: string[], cwd = this.directory): CommandResult {
    const result = spawnSync(command, args, { cwd, env: this.environment, encoding: 'utf8', timeout: 120_000 });
    if (result.error !== undefined) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Runs Node on a script of the project, or on `-e` code. */
  node(...args: string[]): CommandResult {
    return this.run(process.execPath, args);
  }
}

/** The version of a package installed in this repository, so the consumer gets the one tested here. */
export function repositoryVersionOf(name: string): string {
  return (JSON.parse(readFileSync(join(REPOSITORY, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The README's first program: the first ```ts block after the "## Quick start" heading.
 * Throws, naming what is missing, when there is no such heading or block.
 */
export function readmeFirstProgram(readme: string): string {
  const heading = /^## Quick start[ \t]*$/m.exec(readme);
  if (heading === null) throw new Error('README.md has no "## Quick start" heading');
  const block = /^```ts[ \t]*\n([\s\S]*?)^```[ \t]*$/m.exec(readme.slice(heading.index));
  if (block === null) throw new Error('README.md has no ```ts block after "## Quick start"');
  return block[1]!;
}

/**
 * The output a README program shows in the `//` comment lines that end it (none: undefined),
 * one printed line per comment line.
 */
export function documentedOutput(program: string): string | undefined {
  const lines = program.trimEnd().split('\n');
  const comments: string[] = [];
  while (lines.length > 0 && /^\/\/ ?/.test(lines.at(-1)!)) comments.unshift(lines.pop()!.replace(/^\/\/ ?/, ''));
  return comments.length === 0 ? undefined : `${comments.join('\n')}\n`;
}
