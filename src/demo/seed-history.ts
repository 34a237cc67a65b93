// A synthetic past for benchmarks (`npm run cli -- seed:history`): decades of terms on every seat,
// each term's end a filled vacancy with its nominations, its closed and certified ballot with the
// votes, and the alert that announced it; and an audit log of the requested length whose hash
// chain continues from the last entry, so `audit:verify` still finds it intact. It is added to a
// database that already holds a board (the demo seed): the history ends where its terms begin.
//
// Rows are written with prepared statements on the raw connection, in a few transactions, with
// ids assigned here: a million rows through the query builder would take minutes instead of
// seconds. The values are what the actions would have written (same columns, same JSON shapes).
import type { Db } from '../db/client.js';
import { type BallotResult, seats, users } from '../db/schema.js';
import { COUNTRIES } from '../domain/countries.js';
import { addDays, daysBetween, type IsoDate, minIsoDate } from '../domain/dates.js';
import { MIGRATION_CONTEXTS, type MigrationContext, type Region } from '../domain/reference.js';
import { tallyBallot } from '../domain/tally.js';
import { entryHash, GENESIS_HASH } from '../features/audit-log/audit-log.js';
import { cityKey } from '../features/cities/city-identity.js';
import { boardToday, getSettings } from '../features/settings/settings.js';
import { DEMO_DOMAIN } from './seed-demo.js';

export interface HistorySize {
  /** Nominations, spread over the past vacancies (one vacancy per past term). */
  nominations: number;
  /** Past terms, spread over the seats. */
  terms: number;
  /** Audit entries appended to the chain. */
  audit: number;
}

export const DEFAULT_HISTORY: HistorySize = { nominations: 100_000, terms: 2_000, audit: 1_000_000 };

export interface HistorySummary extends HistorySize {
  vacancies: number;
  ballots: number;
  votes: number;
  alerts: number;
  cities: number;
  /** The first and last day the history covers. */
  from: IsoDate;
  until: IsoDate;
}

/** How far back the history reaches: long enough for terms of a plausible length. */
const HISTORY_YEARS = 40;
const CANDIDATES_PER_BALLOT = 4;
/** Rows per transaction for the audit log: each commit is one fsync, and the WAL stays small. */
const AUDIT_BATCH = 50_000;
const DAY_MS = 86_400_000;

// Deterministic, so two runs with the same sizes write the same history (mulberry32).
function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, int: (below: number) => Math.floor(next() * below) };
}

// Letters and digits that cannot be misread, grouped as cast-vote.ts prints its receipts.
const RECEIPT_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY234679';
function receiptCode(random: ReturnType<typeof randomSource>): string {
  let code = '';
  for (let i = 0; i < 12; i += 1) {
    if (i > 0 && i % 4 === 0) code += '-';
    code += RECEIPT_ALPHABET[random.int(RECEIPT_ALPHABET.length)];
  }
  return code;
}

const NAME_STARTS = ['Port', 'Nova', 'San', 'Lake', 'River', 'Bay', 'Mount', 'Green', 'North', 'Old'];
const NAME_ENDS = ['ford', 'ton', 'burg', 'polis', 'stad', 'abad', 'ville', 'grad', 'haven', 'field'];
const GIVEN = ['Amina', 'Carlos', 'Mei', 'Olga', 'Kwame', 'Priya', 'Jonas', 'Leila', 'Tomás', 'Yuki'];
const FAMILY = ['Okafor', 'Silva', 'Chen', 'Novak', 'Mensah', 'Sharma', 'Berg', 'Haddad', 'Ruiz', 'Sato'];

interface PoolCity {
  id: number;
  name: string;
  country: string;
  key: string;
  region: Region;
  contexts: MigrationContext[];
  secondaryCity: boolean;
  mayor: string;
  nominatorId: number;
  nominatorEmail: string;
}

const isoInstant = (ms: number) => new Date(ms).toISOString();

/** Ids assigned here, one after another, from the table's largest. */
function sequenceAfter(last: number) {
  let current = last;
  return () => {
    current += 1;
    return current;
  };
}
const dayMs = (day: IsoDate) => Date.parse(`${day}T00:00:00Z`);

/**
 * Adds the history. Refuses (throws) a database without seats: the history is the past of a board
 * that exists. Safe to run on the demo database; running it twice adds a second, earlier past.
 */
export function seedHistory(db: Db, size: HistorySize, now: Date): HistorySummary {
  const sqlite = db.$client;
  const settings = getSettings(db);
  const today = boardToday(settings, now);
  const seatRows = db.select().from(seats).orderBy(seats.number).all();
  if (seatRows.length === 0)
    throw new Error('The database has no seats: seed the demo board first (npm run cli -- seed:demo).');
  if (size.nominations > 0 && size.terms === 0)
    throw new Error('Nominations need past vacancies: ask for at least one past term (--terms).');

  const random = randomSource(20_240_601 + size.terms * 31 + size.nominations);
  const maxId = (table: string) =>
    (sqlite.prepare(`SELECT coalesce(max(rowid), 0) AS id FROM ${table}`).get() as { id: number }).id;
  const secretariatId =
    db
      .select({ id: users.id, role: users.role })
      .from(users)
      .all()
      .find((user) => user.role === 'secretariat')?.id ?? null;
  const voters = db
    .select({ id: users.id, role: users.role })
    .from(users)
    .all()
    .filter((user) => user.role === 'board_member' || user.role === 'partner');

  // Where each seat's recorded terms begin: the history ends there.
  const firstTerm = new Map<number, { id: number; startsOn: IsoDate }>();
  for (const row of sqlite
    .prepare('SELECT id, seat_id AS seatId, starts_on AS startsOn FROM terms ORDER BY starts_on DESC')
    .all() as Array<{ id: number; seatId: number; startsOn: IsoDate }>)
    firstTerm.set(row.seatId, row);
  const historyEnds = [...firstTerm.values()].reduce((min, t) => minIsoDate(t.startsOn, min), today);
  const historyStarts = addDays(historyEnds, -Math.round(HISTORY_YEARS * 365.25));

  const termsPerSeat = seatRows.map(
    (_, index) => Math.floor(size.terms / seatRows.length) + (index < size.terms % seatRows.length ? 1 : 0),
  );
  const vacancyCount = size.terms;
  const perVacancy = (index: number) =>
    vacancyCount === 0
      ? 0
      : Math.floor(size.nominations / vacancyCount) + (index < size.nominations % vacancyCount ? 1 : 0);
  const mostPerVacancy = perVacancy(0);

  // The cities that nominate, sit and are nominated: enough that each vacancy's are distinct.
  const countries = COUNTRIES.filter((_, index) => index % 4 === 0);
  const poolSize = Math.max(100, mostPerVacancy * 2);
  const pool: PoolCity[] = [];
  const summary: HistorySummary = {
    ...size,
    vacancies: 0,
    ballots: 0,
    votes: 0,
    alerts: 0,
    cities: 0,
    from: historyStarts,
    until: historyEnds,
  };

  const insert = {
    city: sqlite.prepare(
      `INSERT INTO cities (id, name, country, city_key, population, secondary_city, contexts, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    user: sqlite.prepare(
      `INSERT INTO users (id, email, display_name, password_hash, role, city_id, created_at)
       VALUES (?, ?, ?, NULL, 'nominator', ?, ?)`,
    ),
    term: sqlite.prepare(
      `INSERT INTO terms (id, seat_id, member_name, city_id, user_id, starts_on, ends_on, term_number,
         mandate_ends_on, region, contexts, secondary_city, created_at)
       VALUES (?, ?, ?, ?, NULL, ?, ?, 1, ?, ?, ?, ?, ?)`,
    ),
    vacancy: sqlite.prepare(
      `INSERT INTO vacancies (id, seat_id, term_id, reason, free_on, nomination_deadline, status, opened_at,
         filled_by_term_id, created_at)
       VALUES (?, ?, ?, 'term_ending', ?, ?, 'filled', ?, ?, ?)`,
    ),
    nomination: sqlite.prepare(
      `INSERT INTO nominations (id, vacancy_id, nominated_by, nominee_name, nominee_title, nominee_email,
         city_name, country, city_key, contexts, secondary_city, mandate_ends_on, statement, consent,
         status, status_note, submitted_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
    ),
    event: sqlite.prepare(
      `INSERT INTO nomination_events (nomination_id, from_status, to_status, actor_id, note, at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    ballot: sqlite.prepare(
      `INSERT INTO ballots (id, vacancy_id, method, opens_at, closes_at, quorum_percent, secret, partner_votes,
         tie_rule, status, created_by, created_at, opened_at, closed_at, result, certified_at, certified_by,
         term_id)
       VALUES (?, ?, 'ranked', ?, ?, 50, 1, 'binding', 'runoff', 'certified', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    candidate: sqlite.prepare(
      'INSERT INTO ballot_candidates (ballot_id, nomination_id, position) VALUES (?, ?, ?)',
    ),
    roll: sqlite.prepare(
      `INSERT INTO voter_roll (ballot_id, user_id, weight_class, binding, voted) VALUES (?, ?, ?, 1, 1)`,
    ),
    vote: sqlite.prepare(
      `INSERT OR IGNORE INTO votes (ballot_id, receipt, choices, weight_class, binding, voter_id, cast_at)
       VALUES (?, ?, ?, ?, 1, NULL, NULL)`,
    ),
    alert: sqlite.prepare(
      `INSERT INTO alerts (id, kind, subject_type, subject_id, threshold, title, link, due_at, raised_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    recipient: sqlite.prepare(
      `INSERT INTO alert_recipients (alert_id, user_id, acknowledged_at, acknowledged_by) VALUES (?, ?, ?, ?)`,
    ),
  };

  sqlite
    .transaction(() => {
      const nextCityId = sequenceAfter(maxId('cities'));
      const nextUserId = sequenceAfter(maxId('users'));
      const createdAt = now.toISOString();
      for (let n = 1; n <= (size.terms === 0 ? 0 : poolSize); n += 1) {
        const country = countries[n % countries.length]!;
        // The id in the name keeps every city distinct, however many histories are added.
        const id = nextCityId();
        const name = `${NAME_STARTS[n % NAME_STARTS.length]}${NAME_ENDS[Math.floor(n / NAME_STARTS.length) % NAME_ENDS.length]} ${id}`;
        const contexts = MIGRATION_CONTEXTS.filter((_, c) => (n + c) % 4 === 0);
        const city: PoolCity = {
          id,
          name,
          country: country.iso2,
          key: cityKey(country.iso2, name),
          region: country.region,
          contexts,
          secondaryCity: n % 5 === 0,
          mayor: `${GIVEN[n % GIVEN.length]} ${FAMILY[(n * 7) % FAMILY.length]}`,
          nominatorId: nextUserId(),
          nominatorEmail: `nominator.history-${id}@history.${DEMO_DOMAIN}`,
        };
        insert.city.run(
          city.id,
          city.name,
          city.country,
          city.key,
          50_000 + n * 1_000,
          city.secondaryCity ? 1 : 0,
          JSON.stringify(contexts),
          createdAt,
        );
        // An account that never logs in (no password): the nominations need a nominator.
        insert.user.run(city.nominatorId, city.nominatorEmail, `${name} city hall`, city.id, createdAt);
        pool.push(city);
      }
      summary.cities = pool.length;

      const nextTermId = sequenceAfter(maxId('terms'));
      const nextVacancyId = sequenceAfter(maxId('vacancies'));
      const nextNominationId = sequenceAfter(maxId('nominations'));
      const nextBallotId = sequenceAfter(maxId('ballots'));
      const nextAlertId = sequenceAfter(maxId('alerts'));
      let vacancyIndex = 0;
      const span = daysBetween(historyStarts, historyEnds);

      seatRows.forEach((seat, seatIndex) => {
        const count = termsPerSeat[seatIndex]!;
        if (count === 0) return;
        const length = Math.floor(span / count);
        // Each term's city, decided first: a vacancy's winner is the next term's city.
        const cities = Array.from({ length: count }, () => pool[random.int(pool.length)]!);
        const ids = cities.map(() => nextTermId());
        const starts = cities.map((_, j) => addDays(historyStarts, j * length));
        const ends = cities.map((_, j) => (j === count - 1 ? historyEnds : starts[j + 1]!));
        const successor = firstTerm.get(seat.id);
        cities.forEach((city, j) => {
          insert.term.run(
            ids[j],
            seat.id,
            city.mayor,
            city.id,
            starts[j],
            ends[j],
            addDays(ends[j]!, 200),
            city.region,
            JSON.stringify(city.contexts),
            city.secondaryCity ? 1 : 0,
            `${starts[j]}T00:00:00.000Z`,
          );
        });

        cities.forEach((_, j) => {
          // Every term ends in a vacancy filled by the next term, elected by ballot; the last one by the
          // seat's first recorded term, entered by hand (no ballot: none of its candidates won).
          const nextCity = j < count - 1 ? cities[j + 1]! : null;
          const winnerKey = nextCity?.key ?? null;
          const filledBy = j < count - 1 ? ids[j + 1]! : (successor?.id ?? null);
          const freeOn = ends[j]!;
          const deadline = addDays(freeOn, -30);
          const openedMs = dayMs(addDays(freeOn, -60));
          const vacancy = nextVacancyId();
          insert.vacancy.run(
            vacancy,
            seat.id,
            ids[j],
            freeOn,
            deadline,
            isoInstant(openedMs),
            filledBy,
            isoInstant(openedMs - DAY_MS),
          );
          summary.vacancies += 1;

          // The nominating cities: the winner's first (when it is one of ours), then others.
          const wanted = perVacancy(vacancyIndex);
          vacancyIndex += 1;
          const chosen: PoolCity[] = [];
          const used = new Set<string>();
          if (nextCity && wanted > 0) {
            chosen.push(nextCity);
            used.add(nextCity.key);
          }
          let cursor = random.int(pool.length);
          while (chosen.length < wanted) {
            const city = pool[cursor % pool.length]!;
            cursor += 1;
            if (used.has(city.key) || city.key === winnerKey) continue;
            used.add(city.key);
            chosen.push(city);
          }
          const nominated = chosen.map((city, k) => {
            const id = nextNominationId();
            const submittedMs = openedMs + Math.floor(((k + 1) / (wanted + 1)) * 29 * DAY_MS);
            const onBallot = k < CANDIDATES_PER_BALLOT;
            const status = onBallot
              ? city.key === winnerKey
                ? 'elected'
                : 'not_elected'
              : k % 5 === 0
                ? 'withdrawn'
                : k % 3 === 0
                  ? 'ineligible'
                  : 'not_elected';
            const note =
              status === 'ineligible' ? 'The mayoral mandate ends before the board term would.' : null;
            insert.nomination.run(
              id,
              vacancy,
              city.nominatorId,
              city.mayor,
              `Mayor of ${city.name}`,
              `mayor@history-${city.id}.${DEMO_DOMAIN}`,
              city.name,
              city.country,
              city.key,
              JSON.stringify(city.contexts),
              city.secondaryCity ? 1 : 0,
              addDays(freeOn, 900),
              `${city.name} has welcomed newcomers for decades; its mayor would bring that experience to the board.`,
              status,
              note,
              isoInstant(submittedMs),
              isoInstant(submittedMs),
              isoInstant(dayMs(freeOn)),
            );
            insert.event.run(id, null, 'submitted', city.nominatorId, null, isoInstant(submittedMs));
            if (status !== 'withdrawn')
              insert.event.run(
                id,
                'submitted',
                status,
                secretariatId,
                note,
                isoInstant(dayMs(deadline) + DAY_MS),
              );
            return { id, status, city };
          });

          // The ballot among the first candidates, counted as the app counts it.
          const candidates = nominated.slice(0, CANDIDATES_PER_BALLOT);
          if (nextCity && candidates.length > 0 && voters.length > 0) {
            const ballot = nextBallotId();
            const opensMs = dayMs(deadline) + 5 * DAY_MS;
            const closesMs = opensMs + 7 * DAY_MS;
            const keys = candidates.map((c) => String(c.id));
            const winner = candidates[0]!;
            const ranked = voters.map((_, v) => {
              // Most voters put the elected candidate first; one in each ballot disagrees.
              const others = keys.filter((key) => key !== String(winner.id));
              const order =
                v === j % voters.length ? [...others, String(winner.id)] : [String(winner.id), ...others];
              return order;
            });
            const tally = tallyBallot({
              method: 'ranked',
              candidates: keys,
              ballots: ranked.map((choices) => ({ choices })),
              quorum: { eligible: voters.length, quorumPercent: 50 },
            });
            const result: BallotResult = {
              outcome: tally.outcome,
              winner: tally.winner,
              tied: tally.tied,
              rounds: tally.rounds,
              draws: tally.draws,
              cast: tally.cast,
              eligible: voters.length,
              quorumMet: tally.outcome !== 'no_quorum',
              advisory: null,
            };
            insert.ballot.run(
              ballot,
              vacancy,
              isoInstant(opensMs),
              isoInstant(closesMs),
              secretariatId,
              isoInstant(opensMs - DAY_MS),
              isoInstant(opensMs),
              isoInstant(closesMs),
              JSON.stringify(result),
              isoInstant(closesMs + DAY_MS),
              secretariatId,
              filledBy,
            );
            candidates.forEach((c, position) => {
              insert.candidate.run(ballot, c.id, position);
            });
            voters.forEach((voter, v) => {
              const weight = voter.role === 'partner' ? 'partner' : 'board';
              insert.roll.run(ballot, voter.id, weight);
              insert.vote.run(ballot, receiptCode(random), JSON.stringify(ranked[v]), weight);
            });
            summary.ballots += 1;
            summary.votes += voters.length;
            // Its voters were told when it opened and when it closed, as the jobs would have done.
            const told = [
              ...new Set([...voters.map((voter) => voter.id), ...(secretariatId ? [secretariatId] : [])]),
            ];
            const ballotAlerts = [
              ['ballot_opened', `/ballots/${ballot}`, `The ballot for seat ${seat.number} is open.`, opensMs],
              [
                'ballot_closed',
                `/ballots/${ballot}/results`,
                `The ballot for seat ${seat.number} has closed: the results are published.`,
                closesMs,
              ],
            ] as const;
            for (const [kind, link, title, raisedMs] of ballotAlerts) {
              const alert = nextAlertId();
              insert.alert.run(
                alert,
                kind,
                'ballot',
                ballot,
                0,
                title,
                link,
                isoInstant(closesMs),
                isoInstant(raisedMs),
              );
              for (const userId of told)
                insert.recipient.run(alert, userId, isoInstant(raisedMs + DAY_MS), userId);
              summary.alerts += 1;
            }
          }

          // The alert that announced the term's end, acknowledged long ago.
          const alert = nextAlertId();
          const raisedMs = dayMs(freeOn) - 30 * DAY_MS;
          insert.alert.run(
            alert,
            'term_ending',
            'term',
            ids[j],
            30,
            `${cities[j]!.mayor}’s term for ${cities[j]!.name} (seat ${seat.number}) ends on ${freeOn}, in 30 days.`,
            '/terms',
            freeOn,
            isoInstant(raisedMs),
          );
          if (secretariatId !== null)
            insert.recipient.run(alert, secretariatId, isoInstant(raisedMs + DAY_MS), secretariatId);
          summary.alerts += 1;
        });
      });
    })
    .immediate();

  appendAuditHistory(db, size.audit, historyStarts, historyEnds, random);
  return summary;
}

/**
 * Appends `count` entries continuing the hash chain from the last one, dated evenly across the
 * history. They are appended after whatever is there (the log is append-only), so their ids run
 * on from the present while their dates lie in the past.
 */
function appendAuditHistory(
  db: Db,
  count: number,
  from: IsoDate,
  until: IsoDate,
  random: ReturnType<typeof randomSource>,
): void {
  if (count === 0) return;
  const sqlite = db.$client;
  const insert = sqlite.prepare(
    `INSERT INTO audit_log (at, actor_id, actor_label, action, subject_type, subject_id, details, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const actors = db
    .select({ id: users.id, email: users.email, role: users.role })
    .from(users)
    .all()
    .filter((user) => user.role !== 'nominator' || user.email.includes('history'));
  const secretariat = actors.find((actor) => actor.role === 'secretariat') ?? { id: null, email: 'cli' };
  const startMs = dayMs(from);
  const stepMs = Math.max(1, Math.floor((dayMs(until) - startMs) / count));
  let written = 0;
  while (written < count) {
    const batch = Math.min(AUDIT_BATCH, count - written);
    sqlite
      .transaction(() => {
        // Read inside the write transaction: nothing can append in between.
        const last = sqlite.prepare('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
          | { hash: string }
          | undefined;
        let prevHash = last?.hash ?? GENESIS_HASH;
        for (let i = 0; i < batch; i += 1) {
          const n = written + i;
          const at = isoInstant(startMs + n * stepMs);
          const actor = actors[random.int(actors.length)]!;
          const subject = 1 + random.int(100_000);
          let fields: Parameters<typeof entryHash>[0];
          switch (n % 6) {
            case 0:
              fields = {
                at,
                actorId: actor.id,
                actorLabel: actor.email,
                action: 'auth.login',
                subjectType: 'user',
                subjectId: String(actor.id),
                details: '{}',
                prevHash,
              };
              break;
            case 1:
              fields = {
                at,
                actorId: actor.id,
                actorLabel: actor.email,
                action: 'nomination.submit',
                subjectType: 'nomination',
                subjectId: String(subject),
                details: JSON.stringify({ vacancyId: 1 + (subject % 2_000) }),
                prevHash,
              };
              break;
            case 2:
              fields = {
                at,
                actorId: secretariat.id,
                actorLabel: secretariat.email,
                action: 'nomination.review',
                subjectType: 'nomination',
                subjectId: String(subject),
                details: JSON.stringify({ from: 'submitted', to: 'eligible', note: null }),
                prevHash,
              };
              break;
            case 3:
              fields = {
                at,
                actorId: null,
                actorLabel: 'a voter',
                action: 'ballot.vote',
                subjectType: 'ballot',
                subjectId: String(1 + (subject % 2_000)),
                details: '{}',
                prevHash,
              };
              break;
            case 4:
              fields = {
                at,
                actorId: null,
                actorLabel: 'system',
                action: 'alert.raise',
                subjectType: 'alert',
                subjectId: String(subject),
                details: JSON.stringify({ kind: 'term_ending', subject: `term:${subject}`, threshold: 30 }),
                prevHash,
              };
              break;
            default:
              fields = {
                at,
                actorId: secretariat.id,
                actorLabel: secretariat.email,
                action: 'vacancy.open',
                subjectType: 'vacancy',
                subjectId: String(1 + (subject % 2_000)),
                details: JSON.stringify({ seatId: 1 + (subject % 8), nominationDeadline: at.slice(0, 10) }),
                prevHash,
              };
          }
          const hash = entryHash(fields);
          insert.run(
            fields.at,
            fields.actorId,
            fields.actorLabel,
            fields.action,
            fields.subjectType,
            fields.subjectId,
            fields.details,
            fields.prevHash,
            hash,
          );
          prevHash = hash;
        }
      })
      .immediate();
    written += batch;
  }
}
