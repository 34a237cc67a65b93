import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const run = promisify(execFile);
let dir: string;
let env: NodeJS.ProcessEnv;

async function cli(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env,
      cwd: process.cwd(),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function userCount(): number {
  const db = new Database(path.join(dir, 'board.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-cli-'));
  env = { ...process.env, DATABASE_PATH: path.join(dir, 'board.db'), NODE_ENV: 'test' };
  expect((await cli('seed:demo')).code).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Each case starts a real process (about a second each), so these tests get generous time.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe('npm run cli -- user:create', () => {
  it('creates a nominator with a city and prints a generated password once', async () => {
    const result = await cli(
      'user:create',
      '--email',
      'Staff@Quito.gob.ec',
      '--name',
      'Quito staff',
      '--role',
      'nominator',
      '--city-country',
      'ec',
      '--city-name',
      'Quito',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created nominator staff@quito.gob.ec');
    expect(result.stdout).toMatch(/Password \(shown once\): \S{20}/);
  });

  it('refuses a malformed e-mail, an unknown role, an unknown country and a short password, writing nothing', async () => {
    const before = userCount();
    const cases = [
      [
        '--email',
        'not-an-email',
        '--name',
        'X',
        '--role',
        'secretariat',
        '--password',
        'long-enough-password',
      ],
      ['--email', 'a@b.org', '--name', 'X', '--role', 'emperor', '--password', 'long-enough-password'],
      [
        '--email',
        'a@b.org',
        '--name',
        'X',
        '--role',
        'nominator',
        '--city-country',
        'XX',
        '--city-name',
        'Atlantis',
        '--password',
        'long-enough-password',
      ],
      ['--email', 'a@b.org', '--name', 'X', '--role', 'secretariat', '--password', 'short'],
      ['--email', 'a@b.org', '--name', 'X', '--role', 'partner', '--password', 'long-enough-password'],
    ];
    const messages = [
      /--email: Enter a valid e-mail/,
      /--role: The role must be one of/,
      /--city-country: Unknown country/,
      /--password: Use at least 12/,
      /--partner: A partner needs/,
    ];
    for (const [index, args] of cases.entries()) {
      const result = await cli('user:create', ...args);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(messages[index]!);
    }
    expect(userCount()).toBe(before);
  });

  it('refuses an e-mail that already has an account, whatever its case', async () => {
    const result = await cli(
      'user:create',
      '--email',
      'SECRETARIAT@demo.mmc.example',
      '--name',
      'X',
      '--role',
      'secretariat',
      '--password',
      'long-enough-password',
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('already exists');
  });
});

describe('npm run cli -- seed:demo, backup, audit:verify', () => {
  it('refuses to seed a database that already has accounts', async () => {
    const result = await cli('seed:demo');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('only into an empty database');
  });

  it('backs the database up online into a file that opens and holds the same accounts', async () => {
    const target = path.join(dir, 'backups', 'copy.db');
    expect((await cli('backup', target)).code).toBe(0);
    const copy = new Database(target, { readonly: true });
    expect((copy.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n).toBe(userCount());
    copy.close();
  });

  it('verifies an intact audit chain, then names the first tampered entry and exits non-zero', async () => {
    const intact = await cli('audit:verify');
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('Audit log intact');

    const db = new Database(path.join(dir, 'board.db'));
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET actor_label = 'someone else' WHERE id = 2").run();
    db.close();
    const broken = await cli('audit:verify');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('BROKEN at entry 2');
  });

  it('names an unknown command and exits non-zero', async () => {
    const result = await cli('frobnicate');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown command 'frobnicate'");
  });
});
