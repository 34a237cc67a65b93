// No hostile payload ever runs in a browser. The corpus (test/trust/hostile-corpus.ts) is stored
// through the real forms of an app built in-process (the same buildApp as the server), which then
// listens on a port; headless Chromium loads every page that shows the payloads, and the answers
// to refused forms and htmx requests that show them back, with a trap set: `window.__pwned`,
// dialogs (alert), requests to a `pwned` address or another site, page errors. Each page is
// loaded twice: once with the app's Content-Security-Policy bypassed, so that escaping alone must
// hold (a payload that reached the page as markup would run), and once with it, where a payload
// that reached the page as markup would show up as a CSP violation. A control page with the
// payloads left unescaped shows that the trap catches what runs.
import type { AddressInfo } from 'node:net';
import { eq, gt } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seats, users } from '../../src/db/schema.js';
import { demoEmail } from '../../src/demo/seed-demo.js';
import { raiseAlerts } from '../../src/features/alerts/raise-alerts.js';
import { client, cookieValue, DEMO_PASSWORD, makeTestApp, ORIGIN, type TestApp } from '../helpers/app.js';
import { encodeForm, type HostileForm, type HostilePayload, PAYLOADS } from '../trust/hostile-corpus.js';
import { launchChromium, requireChromium } from './browser.js';

const NOW = new Date('2026-11-28T09:00:00Z');
type Client = ReturnType<typeof client>;

// A comment opener would hide the payloads after it from the parser: it goes last when joined.
const ORDERED = [...PAYLOADS].sort(
  (a, b) => Number(a.text.startsWith('<!--')) - Number(b.text.startsWith('<!--')),
);
const TYPED = ORDERED.filter((payload) => payload.encoded === undefined);

/** Every typed payload in one value, for a form refused anyway (too long): every one shown back. */
const ALL: HostilePayload = {
  name: 'every payload',
  text: TYPED.map((payload) => payload.text).join(' \u2042 '),
};

/** A page the browser loads: as whom, and either an address of the app or an answer captured. */
interface Visit {
  name: string;
  session: string | null;
  url: string;
  /** An answer to a POST (a refused form, an htmx fragment), served to the browser at `url` as the app sent it. */
  captured?: { status: number; headers: Record<string, string>; body: string };
}

function post(as: Client, url: string, form: HostileForm, headers: Record<string, string> = {}) {
  const request = as.agent.post(url).set('Origin', ORIGIN);
  for (const [name, value] of Object.entries(headers)) request.set(name, value);
  return request.type('form').send(encodeForm(form));
}

async function logIn(t: TestApp, localPart: string): Promise<{ as: Client; session: string }> {
  const as = client(t);
  const response = await as.logIn(demoEmail(localPart), DEMO_PASSWORD);
  return { as, session: cookieValue(response.headers['set-cookie'], 'session')! };
}

/** The payloads stored through the forms; returns the pages and answers that show them. */
async function storePayloads(t: TestApp): Promise<Visit[]> {
  const secretariat = await logIn(t, 'secretariat');
  const bogota = await logIn(t, 'nominator.bogota');
  const expectStatus = (status: number, wanted: number, what: string) => {
    if (status !== wanted) throw new Error(`${what}: expected ${wanted}, got ${status}`);
  };

  // Invitations name people and cities; each city then nominates, through Bogota's nominator.
  const nominationIds: number[] = [];
  for (const [index, payload] of ORDERED.entries()) {
    const email = `invitee${index}@cities.example`;
    expectStatus(
      (
        await post(secretariat.as, '/accounts/invitations', {
          name: payload,
          email,
          cityName: payload,
          country: 'CO',
        })
      ).status,
      303,
      `inviting ${payload.name}`,
    );
    const { cityId } = t.db.select().from(users).where(eq(users.email, email)).get()!;
    t.db
      .update(users)
      .set({ cityId })
      .where(eq(users.email, demoEmail('nominator.bogota')))
      .run();
    const nominated = await post(bogota.as, '/nominations', {
      vacancyId: '1',
      nomineeName: payload,
      nomineeTitle: payload,
      nomineeEmail: `nominee${index}@cities.example`,
      cityName: payload,
      country: 'CO',
      migrationContexts: ['destination'],
      mandateEndsOn: '2031-06-30',
      // One statement holds every payload (at most 5000 characters): its page shows them all.
      statement: index === 0 ? { name: 'every payload', text: ALL.text.slice(0, 5000) } : payload,
      consent: 'on',
      intent: 'submit',
    });
    expectStatus(nominated.status, 303, `nominating ${payload.name}`);
    const id = Number(nominated.headers.location!.split('/').pop());
    nominationIds.push(id);
    expectStatus(
      (
        await post(secretariat.as, `/nominations/${id}/review`, {
          status: 'ineligible',
          note: payload,
          from: 'submitted',
        })
      ).status,
      303,
      `reviewing ${payload.name}`,
    );
  }

  // Terms on new seats, ending soon (alerts, vacancies), named by the payloads.
  expectStatus(
    (
      await post(secretariat.as, '/settings/board', {
        boardSize: '30',
        termLengthMonths: '24',
        termLimit: '',
        alertThresholdsDays: '90, 60, 30, 7',
        timeZone: 'UTC',
        jobIntervalMinutes: '60',
      })
    ).status,
    303,
    'growing the board',
  );
  const freeSeats = t.db.select().from(seats).where(gt(seats.number, 8)).all();
  for (const [index, payload] of ORDERED.entries()) {
    const seat = freeSeats[index % freeSeats.length]!;
    const current = index < freeSeats.length;
    expectStatus(
      (
        await post(secretariat.as, '/terms', {
          seatId: String(seat.id),
          memberName: payload,
          cityName: payload,
          country: 'CO',
          migrationContexts: ['destination'],
          userId: '',
          startsOn: current ? '2024-12-20' : `${1960 + 3 * Math.floor(index / freeSeats.length)}-01-01`,
          mandateEndsOn: current ? '2026-12-10' : '',
        })
      ).status,
      303,
      `recording a term for ${payload.name}`,
    );
  }
  raiseAlerts(t.db, t.clock.now, { origin: ORIGIN });

  // Answers to refused forms show the input back; one value holding every payload is too long
  // for any text field, so each form refuses it and shows all of it.
  const capture = async (
    name: string,
    session: string | null,
    response: Promise<{ status: number; headers: Record<string, unknown>; text: string }>,
  ) => {
    const answer = await response;
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(answer.headers))
      if (typeof value === 'string' && key !== 'content-length') headers[key] = value;
    return {
      name,
      session,
      url: `/__captured/${name.replace(/\W+/g, '-')}`,
      captured: { status: answer.status, headers, body: answer.text },
    };
  };
  const anonymous = client(t);
  const captured = [
    await capture(
      'account request refused',
      null,
      post(anonymous, '/request-account', {
        name: ALL,
        email: ALL,
        cityName: ALL,
        country: ALL,
        roleAtCity: ALL,
      }),
    ),
    await capture('login refused', null, post(anonymous, '/login', { email: ALL, password: ALL })),
    await capture(
      'invitation refused',
      secretariat.session,
      post(secretariat.as, '/accounts/invitations', { name: ALL, email: ALL, cityName: ALL, country: 'CO' }),
    ),
    await capture(
      'nomination refused',
      bogota.session,
      post(bogota.as, '/nominations', {
        vacancyId: '1',
        nomineeName: ALL,
        nomineeTitle: ALL,
        nomineeEmail: ALL,
        cityName: ALL,
        country: ALL,
        mandateEndsOn: ALL,
        statement: ALL,
      }),
    ),
    await capture(
      'screening row refused (htmx)',
      secretariat.session,
      post(
        secretariat.as,
        `/nominations/${nominationIds[1]}/review`,
        { status: 'eligible', note: ALL, from: 'ineligible' },
        { 'HX-Request': 'true' },
      ),
    ),
    await capture(
      'screening row (htmx)',
      secretariat.session,
      post(
        secretariat.as,
        `/nominations/${nominationIds[1]}/review`,
        { status: 'eligible', note: ORDERED[1]!, from: 'ineligible' },
        { 'HX-Request': 'true' },
      ),
    ),
    await capture(
      'new term refused',
      secretariat.session,
      post(secretariat.as, '/terms', {
        seatId: ALL,
        memberName: ALL,
        cityName: ALL,
        startsOn: ALL,
        mandateEndsOn: ALL,
      }),
    ),
    await capture(
      'board settings refused',
      secretariat.session,
      post(secretariat.as, '/settings/board', { boardSize: ALL, alertThresholdsDays: ALL, termLimit: ALL }),
    ),
  ];
  for (const visit of captured)
    if (visit.captured.status < 200 || visit.captured.status >= 500)
      throw new Error(`${visit.name} answered ${visit.captured.status}`);

  const page = (name: string, session: string | null, url: string): Visit => ({ name, session, url });
  return [
    page('accounts', secretariat.session, '/accounts'),
    page('screening queue', secretariat.session, '/vacancies/1'),
    page('nominations list', secretariat.session, '/nominations'),
    page(
      'nomination with every payload in its statement',
      secretariat.session,
      `/nominations/${nominationIds[0]}`,
    ),
    page('terms', secretariat.session, '/terms'),
    page('seat history', secretariat.session, `/terms/seats/${freeSeats[0]!.id}/history`),
    page('vacancies', secretariat.session, '/vacancies'),
    page('alerts', secretariat.session, '/alerts'),
    page('outbox', secretariat.session, '/outbox'),
    page('audit log', secretariat.session, '/audit'),
    page('dashboard (secretariat)', secretariat.session, '/'),
    page('nominator dashboard', bogota.session, '/'),
    page('nomination (its nominator)', bogota.session, `/nominations/${nominationIds[0]}`),
    page('board (public)', null, '/board'),
    page('audit filter', secretariat.session, `/audit?${encodeForm({ actor: ALL, subject: ALL })}`),
    ...captured,
  ];
}

const TRAP = () => {
  const trapped: string[] = [];
  Object.defineProperty(window, '__trapped', { value: trapped });
  Object.defineProperty(window, '__pwned', {
    configurable: false,
    get: () => undefined,
    set: (value) => trapped.push(`window.__pwned = ${value}`),
  });
};

/** What ran on the page: the trap's record, dialogs, requests to a payload's address, errors. */
async function visit(browser: Browser, origin: string, target: Visit, bypassCSP: boolean): Promise<string[]> {
  const context = await browser.newContext({ bypassCSP });
  const ran: string[] = [];
  try {
    if (target.session) await context.addCookies([{ name: 'session', value: target.session, url: origin }]);
    await context.addInitScript(TRAP);
    if (target.captured) {
      const { status, headers, body } = target.captured;
      await context.route(`${origin}${target.url}`, (route) => route.fulfill({ status, headers, body }));
    }
    const page: Page = await context.newPage();
    page.on('dialog', (dialog) => {
      ran.push(`a ${dialog.type()} dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== origin || url.pathname.includes('pwned')) ran.push(`a request to ${request.url()}`);
    });
    page.on('pageerror', (error) => ran.push(`an uncaught error: ${error.message}`));
    // Chromium reports each inline script or handler the policy refused: markup a payload planted.
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy'))
        ran.push(`the console: ${message.text().slice(0, 200)}`);
    });
    const response = await page.goto(`${origin}${target.url}`, { waitUntil: 'load' });
    if (!response) throw new Error(`${target.name}: no answer`);
    const address = page.url();
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && frame.url() !== address)
        ran.push(`the page navigated to ${frame.url()}`);
    });
    // Let what a payload could start finish: images that fail, autofocus, htmx's load triggers.
    const settled = page.evaluate(async () => {
      await Promise.all(
        [...document.images].map((image) =>
          image.complete
            ? null
            : new Promise((resolve) => {
                image.addEventListener('load', resolve, { once: true });
                image.addEventListener('error', resolve, { once: true });
              }),
        ),
      );
      for (let frame = 0; frame < 3; frame += 1)
        await new Promise((resolve) => requestAnimationFrame(resolve));
      const trapped = [...(window as unknown as { __trapped: string[] }).__trapped];
      // The page must show the payloads as text, or the check above proved nothing.
      const fields = [
        ...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea'),
      ];
      const shown = [document.body.textContent ?? '', ...fields.map((field) => field.value)];
      if (!shown.some((text) => text.includes('window.__pwned=1')))
        trapped.push('the page does not show the payloads');
      return trapped;
    });
    // A page that navigates away (a planted refresh or form) loses its record; that is a finding.
    ran.push(
      ...(await settled.catch((error: Error) => [`the page went away: ${error.message.split('\n')[0]}`])),
    );
    return ran.map((what) => `${target.name} (${bypassCSP ? 'CSP bypassed' : 'with CSP'}): ${what}`);
  } finally {
    await context.close();
  }
}

async function inTurn<T, R>(
  items: readonly T[],
  parallel: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += parallel)
    results.push(...(await Promise.all(items.slice(start, start + parallel).map(work))));
  return results;
}

describe('hostile payloads in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let visits: Visit[];

  beforeAll(async () => {
    requireChromium();
    t = await makeTestApp({ now: NOW });
    visits = await storePayloads(t);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the trap catches a payload that runs: pages with the payloads left unescaped (the controls)', async () => {
    const control = (payloads: readonly HostilePayload[]): Visit => ({
      name: 'control',
      session: null,
      url: '/__control',
      captured: {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: `<!doctype html><html><head><title>control</title><script src="/static/htmx.min.js"></script></head><body>${payloads.map((payload) => `<p>${payload.text}</p>`).join('\n')}</body></html>`,
      },
    });
    const leavesThePage = (payload: HostilePayload) => /<base|http-equiv/.test(payload.text);
    const scripts = control(TYPED.filter((payload) => !leavesThePage(payload)));
    const bypassed = (await visit(browser, origin, scripts, true)).join('\n');
    expect(bypassed).toContain('window.__pwned = 1');
    expect(bypassed).toMatch(/an? alert dialog/);
    expect(bypassed).toContain('/pwned-hx');
    const away = (await visit(browser, origin, control(TYPED.filter(leavesThePage)), true)).join('\n');
    expect(away).toMatch(/evil\.example|navigated|went away/);
    // With the app's policy the inline code is refused, and the refusal is what the trap sees.
    const policy = visits.find((v) => v.captured)!.captured!.headers['content-security-policy']!;
    const withPolicy = await visit(
      browser,
      origin,
      {
        ...scripts,
        captured: {
          ...scripts.captured!,
          headers: { ...scripts.captured!.headers, 'content-security-policy': policy },
        },
      },
      false,
    );
    expect(withPolicy.join('\n')).toContain('Content Security Policy');
  });

  it('nothing runs on any page, fragment or refused form that shows the stored payloads, with or without the CSP', async () => {
    const ran = await inTurn(
      visits.flatMap((target) => [
        { target, bypassCSP: true },
        { target, bypassCSP: false },
      ]),
      4,
      ({ target, bypassCSP }) => visit(browser, origin, target, bypassCSP),
    );
    expect(ran.flat()).toEqual([]);
    console.log(
      `Chromium: ${visits.length} pages and answers showing ${PAYLOADS.length} payloads, loaded with and without the CSP; nothing ran.`,
    );
  });
});
