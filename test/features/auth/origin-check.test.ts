import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { DEMO_PASSWORD, makeTestApp, ORIGIN, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

const login = () =>
  supertest(t.app.server)
    .post('/login')
    .type('form')
    .send({ email: demoEmail('secretariat'), password: DEMO_PASSWORD });

describe('forged-request check on state-changing requests', () => {
  it('refuses a POST with neither Sec-Fetch-Site nor Origin (403), before the handler runs', async () => {
    const response = await login();
    expect(response.status).toBe(403);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a cross-site request even when its Origin header claims to be ours', async () => {
    expect((await login().set('Sec-Fetch-Site', 'cross-site').set('Origin', ORIGIN)).status).toBe(403);
    expect((await login().set('Sec-Fetch-Site', 'same-site')).status).toBe(403);
  });

  it('refuses a foreign Origin from a client that sends no Sec-Fetch-Site', async () => {
    expect((await login().set('Origin', 'https://evil.example')).status).toBe(403);
    expect((await login().set('Origin', 'null')).status).toBe(403);
  });

  it('accepts a browser form post with Sec-Fetch-Site: same-origin and Origin: null (Chromium under no-referrer)', async () => {
    const response = await login().set('Sec-Fetch-Site', 'same-origin').set('Origin', 'null');
    expect(response.status).toBe(303);
  });

  it('accepts our public origin, and its 127.0.0.1 twin on a loopback host, from clients without Sec-Fetch-Site', async () => {
    expect((await login().set('Origin', ORIGIN)).status).toBe(303);
    expect((await login().set('Origin', 'http://127.0.0.1:3000')).status).toBe(303);
  });

  it('leaves GET requests alone', async () => {
    expect((await supertest(t.app.server).get('/login').set('Sec-Fetch-Site', 'cross-site')).status).toBe(
      200,
    );
  });

  it('refuses a forged logout, so the session survives it', async () => {
    const agent = supertest.agent(t.app.server);
    await agent
      .post('/login')
      .set('Origin', ORIGIN)
      .type('form')
      .send({ email: demoEmail('secretariat'), password: DEMO_PASSWORD });
    expect((await agent.post('/logout').set('Sec-Fetch-Site', 'cross-site')).status).toBe(403);
    expect((await agent.get('/account')).status).toBe(200);
  });
});
