import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../../src/db/schema.js';
import { recordAudit, verifyAuditChain } from '../../../src/features/audit-log/audit-log.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.close());

describe('the audit log', () => {
  it('records logins and logouts', async () => {
    const browser = await logInAs(t, 'mayor.amman');
    await browser.post('/logout');
    const actions = t.db
      .select()
      .from(auditLog)
      .all()
      .map((e) => e.action);
    expect(actions).toContain('auth.login');
    expect(actions).toContain('auth.logout');
  });

  it('records password changes', async () => {
    const browser = await logInAs(t, 'partner.uclg');
    await browser.post('/account/password', {
      currentPassword: 'mmc-demo-password',
      newPassword: 'another-long-password',
      confirmPassword: 'another-long-password',
    });
    expect(
      t.db
        .select()
        .from(auditLog)
        .all()
        .some((e) => e.action === 'account.password_change'),
    ).toBe(true);
  });

  it('verifies an untouched chain', () => {
    expect(verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it('refuses to update or delete entries (append-only)', () => {
    expect(() => t.db.update(auditLog).set({ details: '{}' }).run()).toThrow(/append-only/);
    expect(() => t.db.delete(auditLog).run()).toThrow(/append-only/);
  });

  it('names the first broken entry when someone rewrites history behind the application’s back', () => {
    for (let i = 0; i < 3; i += 1)
      recordAudit(t.db, {
        actor: { id: null, label: 'test' },
        action: 'test.event',
        subjectType: 'test',
        subjectId: i,
        at: t.clock.now,
      });
    const entries = t.db.select().from(auditLog).all();
    const victim = entries[entries.length - 2]!;
    t.db.run(sql`DROP TRIGGER audit_log_no_update`);
    t.db.run(sql`UPDATE audit_log SET details = '{"forged":true}' WHERE id = ${victim.id}`);
    const verdict = verifyAuditChain(t.db);
    expect(verdict).toMatchObject({ ok: false, brokenId: victim.id });
  });

  it('names an entry whose hash was recomputed but no longer links to its predecessor', () => {
    const entries = t.db.select().from(auditLog).all();
    const first = entries[0]!;
    t.db.run(sql`UPDATE audit_log SET prev_hash = ${'f'.repeat(64)} WHERE id = ${first.id}`);
    expect(verifyAuditChain(t.db)).toMatchObject({ ok: false, brokenId: first.id });
  });
});
