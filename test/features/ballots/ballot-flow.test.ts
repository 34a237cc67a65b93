// The whole selection on the demo board (the "Done when"): the secretariat shortlists the
// three Athens candidates and opens a ranked secret ballot; the seven members and two partners
// vote; the ballot closes with the instant-runoff winner, who is not the plurality leader; every
// voter finds their receipt in the results; a recount of ballots.json agrees; the live view shows
// turnout, then the result; certification starts the winner's two-year term on the seat.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nominations, terms, vacancies } from '../../../src/db/schema.js';
import { logInAs, makeTestApp, type TestApp } from '../../helpers/app.js';
import { cliInProcess } from '../../helpers/cli.js';
import {
  ATHENS_VACANCY,
  ballotRow,
  CANDIDATE,
  MEMBERS,
  NOW,
  openAthensBallot,
  PARTNERS,
  ranking,
  rollOf,
  vote,
  votesIn,
} from './ballot-records.js';

const { montevideo: M, dhakaNorth: D, zurich: Z } = CANDIDATE;

// Zurich leads on first choices (4), Montevideo has 3, Dhaka North 2; Dhaka North's voters rank
// Montevideo second, so instant runoff elects Montevideo 5 to 4.
const BALLOTS: Array<[string, number[]]> = [
  ['mayor.amman', [Z, M]],
  ['mayor.bristol', [Z, D]],
  ['mayor.freetown', [Z]],
  ['mayor.kampala', [Z, M, D]],
  ['mayor.los-angeles', [M, Z]],
  ['mayor.milan', [M]],
  ['mayor.montreal', [M, D, Z]],
  ['partner.c40', [D, M]],
  ['partner.uclg', [D, M, Z]],
];

describe('a ranked secret ballot on the demo board, from shortlist to certification', () => {
  let t: TestApp;
  let ballotId: number;
  const receipts = new Map<string, string>();
  beforeAll(async () => {
    t = await makeTestApp({ now: NOW });
    ({ ballotId } = await openAthensBallot(t));
  });
  afterAll(async () => t.close());

  it('opens the ballot at once, the vacancy in balloting, with the seven members and two partners on the roll', async () => {
    expect(ballotRow(t, ballotId)).toMatchObject({ status: 'open', method: 'ranked', secret: true });
    expect(t.db.select().from(vacancies).where(eq(vacancies.id, ATHENS_VACANCY)).get()!.status).toBe(
      'balloting',
    );
    expect(rollOf(t, ballotId)).toHaveLength(9);
    expect(rollOf(t, ballotId).filter((v) => v.weightClass === 'partner')).toHaveLength(2);
  });

  it('lets every voter vote once, showing the receipt once after a 303', async () => {
    for (const [who, order] of BALLOTS) {
      const { browser, response } = await vote(t, who, ballotId, ranking(...order));
      expect(response.status, who).toBe(303);
      expect(response.headers.location).toBe(`/ballots/${ballotId}/receipt`);
      const page = await browser.get(response.headers.location!);
      const receipt = /data-receipt="([A-Z0-9-]+)"/.exec(page.text)?.[1];
      expect(receipt, who).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      receipts.set(who, receipt!);
      // Shown once: the page again has no receipt.
      expect((await browser.get(response.headers.location!)).text).not.toContain('data-receipt=');
    }
    expect(votesIn(t, ballotId)).toHaveLength(9);
    // A secret ballot's votes carry no voter and no time.
    expect(votesIn(t, ballotId).every((v) => v.voterId === null && v.castAt === null)).toBe(true);
  });

  it('shows no result to anyone before the close, but the turnout to the secretariat', async () => {
    expect((await (await logInAs(t, 'mayor.amman')).get(`/ballots/${ballotId}/results`)).status).toBe(409);
    const page = await (await logInAs(t, 'secretariat')).get(`/ballots/${ballotId}`);
    expect(page.text).toContain('data-turnout="9"');
    const live = await (await logInAs(t, 'secretariat')).get(`/ballots/${ballotId}/live/status`);
    expect(live.text).toContain('data-live-turnout="9"');
    expect(live.text).not.toContain('data-outcome');
    expect(Buffer.byteLength(live.text)).toBeLessThan(600);
  });

  it('closes with the instant-runoff winner, Montevideo, though Zurich led the first choices', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const closed = await secretariat.post(`/ballots/${ballotId}/close`);
    expect(closed.status).toBe(303);
    const results = await secretariat.get(`/ballots/${ballotId}/results`);
    expect(results.text).toContain('data-outcome="winner"');
    expect(results.text).toContain(`data-winner="${M}"`);
    const result = ballotRow(t, ballotId).result!;
    expect(result.rounds[0]!.tally).toEqual({ [M]: 3, [D]: 2, [Z]: 4 });
    expect(result.rounds.at(-1)!.tally).toEqual({ [M]: 5, [Z]: 4 });
  });

  it('lists every voter’s receipt in the results, with the choices counted for it', async () => {
    for (const [who, order] of BALLOTS) {
      const page = await (await logInAs(t, who)).get(`/ballots/${ballotId}/results`);
      expect(page.status).toBe(200);
      const row = new RegExp(`data-receipt="${receipts.get(who)}">[^<]+</code></td><td>([^<]+)</td>`).exec(
        page.text,
      );
      expect(row, who).not.toBeNull();
      expect(row![1]!.split(' › ').length).toBe(order.length);
    }
  });

  it('agrees with an independent recount of its ballots.json by the tally command', async () => {
    const file = await (await logInAs(t, 'mayor.milan')).get(`/ballots/${ballotId}/ballots.json`);
    expect(file.status).toBe(200);
    const json = JSON.parse(file.text);
    expect(json.ballots).toHaveLength(9);
    expect(JSON.stringify(json)).not.toMatch(/mayor\.|partner\.|voter/);
    const target = path.join(t.dir, 'ballots.json');
    fs.writeFileSync(target, file.text);
    const output = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'tally', target], {
        encoding: 'utf8',
      }),
    );
    expect(output.outcome).toBe('winner');
    expect(output.winner).toBe('Lucía Pereira (Montevideo)');
    const stored = ballotRow(t, ballotId).result!;
    const name = (id: string) => json.candidates[(Object.values(CANDIDATE) as number[]).indexOf(Number(id))];
    expect(output.rounds).toEqual(
      stored.rounds.map((round) => ({
        tally: Object.fromEntries(Object.entries(round.tally).map(([id, n]) => [name(id), n])),
        eliminated: round.eliminated.map(name),
        exhausted: round.exhausted,
      })),
    );
  });

  it('agrees with the results page: the tally command’s winner and every round as the page shows them', async () => {
    const viewer = await logInAs(t, 'mayor.milan');
    const file = await viewer.get(`/ballots/${ballotId}/ballots.json`);
    const target = path.join(t.dir, 'ballots-for-page.json');
    fs.writeFileSync(target, file.text);
    const recount = await cliInProcess(['tally', target]);
    expect(recount.code, recount.stderr).toBe(0);
    const output = JSON.parse(recount.stdout) as {
      winner: string;
      rounds: Array<{ tally: Record<string, number>; eliminated: string[]; exhausted: number }>;
    };
    const page = (await viewer.get(`/ballots/${ballotId}/results`)).text;
    expect(page).toContain(`Winner: ${output.winner}`);
    const rows = [
      ...page.matchAll(
        /<tr><th scope="row">(\d+)<\/th><td>([^<]*)<\/td><td>([^<]*)<\/td><td class="num">(\d+)<\/td><\/tr>/g,
      ),
    ];
    expect(rows).toHaveLength(output.rounds.length);
    for (const [index, round] of output.rounds.entries()) {
      const [, number, votes, eliminated, exhausted] = rows[index]!;
      expect(Number(number)).toBe(index + 1);
      expect(votes!.split(' · ').sort()).toEqual(
        Object.entries(round.tally)
          .map(([name, count]) => `${name} ${count}`)
          .sort(),
      );
      expect(eliminated).toBe(round.eliminated.join(', ') || '—');
      expect(Number(exhausted)).toBe(round.exhausted);
    }
  });

  it('shows the result on the live view once closed', async () => {
    const live = await (await logInAs(t, 'mayor.bristol')).get(`/ballots/${ballotId}/live/status`);
    expect(live.text).toContain('data-outcome="winner"');
    expect(live.text).toContain('Lucía Pereira (Montevideo)');
    expect(live.text).not.toContain('hx-trigger');
  });

  it('certifies the winner: Montevideo elected, the others not, the vacancy filled, a 24-month term on the seat', async () => {
    const secretariat = await logInAs(t, 'secretariat');
    const response = await secretariat.post(`/ballots/${ballotId}/certify`, { overrideReason: '' });
    expect(response.status, response.text.slice(0, 500)).toBe(303);
    const statuses = t.db
      .select()
      .from(nominations)
      .orderBy(asc(nominations.id))
      .all()
      .map((n) => n.status);
    expect(statuses).toEqual(['elected', 'not_elected', 'not_elected']);
    const vacancy = t.db.select().from(vacancies).where(eq(vacancies.id, ATHENS_VACANCY)).get()!;
    expect(vacancy.status).toBe('filled');
    const term = t.db.select().from(terms).where(eq(terms.id, vacancy.filledByTermId!)).get()!;
    expect(term).toMatchObject({
      memberName: 'Lucía Pereira',
      startsOn: '2026-11-28',
      endsOn: '2028-11-28',
      region: 'Latin America & Caribbean',
      contexts: ['destination', 'return'],
    });
    expect(ballotRow(t, ballotId).status).toBe('certified');
    expect(PARTNERS.length + MEMBERS.length).toBe(9);
  });
});
