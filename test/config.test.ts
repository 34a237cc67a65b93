import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('defaults to port 3000 on 127.0.0.1 with ./data/board.db and the demo seed on', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.databasePath.endsWith('data/board.db')).toBe(true);
    expect(config.publicOrigin).toBe('http://localhost:3000');
    expect(config.acceptedOrigins).toContain('http://127.0.0.1:3000');
    expect(config.seedDemo).toBe(true);
    expect(config.demoPassword).toBe('mmc-demo-password');
  });

  it('stops on a bad value with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ PUBLIC_ORIGIN: 'board.example.org' })).toThrow(/PUBLIC_ORIGIN/);
    expect(() => loadConfig({ SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ SEED_DEMO: 'maybe' })).toThrow(/SEED_DEMO/);
  });

  it('never seeds demo accounts in production, and turns secure cookies on there', () => {
    expect(loadConfig({ NODE_ENV: 'production', SEED_DEMO: 'true' }).seedDemo).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).production).toBe(true);
    expect(loadConfig({ SEED_DEMO: 'false' }).seedDemo).toBe(false);
  });

  it('runs the jobs inside the server unless SCHEDULER is false (a system cron runs them instead)', () => {
    expect(loadConfig({}).scheduler).toBe(true);
    expect(loadConfig({ SCHEDULER: 'false' }).scheduler).toBe(false);
    expect(loadConfig({ SCHEDULER: '0' }).scheduler).toBe(false);
    expect(() => loadConfig({ SCHEDULER: 'sometimes' })).toThrow(/SCHEDULER/);
  });

  it('accepts only the public origin when listening beyond loopback', () => {
    const config = loadConfig({ HOST: '0.0.0.0', PUBLIC_ORIGIN: 'https://board.example.org' });
    expect(config.acceptedOrigins).toEqual(['https://board.example.org']);
  });
});
