// Every e-mail the app sends has a plain-text and an HTML part from its template, a kind for the
// secretariat's list, and a link back to the page concerned (PUBLIC_ORIGIN); what people typed is
// escaped in the HTML part.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRequests, outbox } from '../../../src/db/schema.js';
import { demoEmail } from '../../../src/demo/seed-demo.js';
import { INVITATION_LINK_MARKER } from '../../../src/features/mail/outbox.js';
import { client, logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { nominator } from '../accounts/mail.js';
import { bogotaForm, idFromLocation, NOMINATION, NOW } from '../nominations/nomination-records.js';

let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await makeTestApp({ now: NOW });
  origin = t.config.publicOrigin;
});
afterAll(async () => t.close());

const HOSTILE = 'Eve <script>alert(1)</script>';
const lastMailTo = (recipient: string) =>
  t.db.select().from(outbox).where(eq(outbox.recipient, recipient)).orderBy(outbox.id).all().at(-1)!;

describe('the e-mails the app sends', () => {
  it('tells the secretariat of an account request, linking the accounts page, the requester’s name escaped', async () => {
    const response = await client(t).post('/request-account', {
      name: HOSTILE,
      email: 'eve@recife.example',
      cityName: 'Recife',
      country: 'BR',
      roleAtCity: 'Adviser',
    });
    expect(response.status).toBe(200);
    const mail = lastMailTo(demoEmail('secretariat'));
    expect(mail.kind).toBe('account-request:received');
    expect(mail.textBody).toContain(`Name: ${HOSTILE}`);
    expect(mail.textBody).toContain(`${origin}/accounts`);
    expect(mail.htmlBody).toContain(`<a href="${origin}/accounts">`);
    expect(mail.htmlBody).toContain('Eve &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.htmlBody).not.toContain('<script>');
  });

  it('tells a declined requester, linking the request form', async () => {
    const request = t.db
      .select()
      .from(accountRequests)
      .where(eq(accountRequests.email, 'eve@recife.example'))
      .get()!;
    const response = await (await logInAs(t, 'secretariat')).post(`/accounts/requests/${request.id}/decline`);
    expect(response.status).toBe(303);
    const mail = lastMailTo('eve@recife.example');
    expect(mail.kind).toBe('account-request:declined');
    expect(mail.textBody).toMatch(/^Dear Eve <script>/);
    expect(mail.textBody).toContain(`${origin}/request-account`);
    expect(mail.htmlBody).toContain(`<a href="${origin}/request-account">`);
    expect(mail.htmlBody).not.toContain('<script>');
  });

  it('invites with the link left for delivery to mint, in both parts', async () => {
    await (await logInAs(t, 'secretariat')).post(
      '/accounts/invitations',
      nominator({ email: 'new@recife.example' }),
    );
    const mail = lastMailTo('new@recife.example');
    expect(mail.kind).toBe('invitation');
    expect(mail.invitationId).not.toBeNull();
    expect(mail.textBody).toContain(`choose your password on this page:\n${INVITATION_LINK_MARKER}`);
    expect(mail.htmlBody).toContain(`<a href="${INVITATION_LINK_MARKER}">`);
  });

  it('confirms a submitted nomination and tells the review decision, each linking the nomination', async () => {
    const submitted = await (await logInAs(t, 'nominator.bogota')).post('/nominations', bogotaForm());
    const id = idFromLocation(submitted.headers.location);
    const receipt = lastMailTo(demoEmail('nominator.bogota'));
    expect(receipt.kind).toBe('nomination:submitted');
    expect(receipt.textBody).toContain(`${origin}/nominations/${id}`);
    expect(receipt.htmlBody).toContain(`<a href="${origin}/nominations/${id}">`);

    const reviewed = await (await logInAs(t, 'secretariat')).post(
      `/nominations/${NOMINATION.zurich}/review`,
      {
        status: 'ineligible',
        note: 'The <b>mandate</b> ends mid-term.',
      },
    );
    expect(reviewed.status).toBe(303);
    const decision = lastMailTo(demoEmail('nominator.zurich'));
    expect(decision.kind).toBe('nomination:reviewed');
    expect(decision.textBody).toContain("The secretariat's note: The <b>mandate</b> ends mid-term.");
    expect(decision.textBody).toContain(`${origin}/nominations/${NOMINATION.zurich}`);
    expect(decision.htmlBody).toContain('The &lt;b&gt;mandate&lt;/b&gt; ends mid-term.');
    expect(decision.htmlBody).toContain(`<a href="${origin}/nominations/${NOMINATION.zurich}">`);
  });
});
