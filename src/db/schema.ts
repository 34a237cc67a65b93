// The tables. Each later feature adds its own by a new migration (`npm run db:generate`).
// Dates are ISO 'YYYY-MM-DD' text; instants are ISO date-time text in UTC; booleans are 0/1.
import { sql } from 'drizzle-orm';
import {
  customType,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import type {
  MigrationContext,
  NominationStatus,
  Region,
  Role,
  TermEndReason,
  VacancyReason,
  VacancyStatus,
} from '../domain/reference.js';

const createdAt = () => text('created_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`);

export const cities = sqliteTable(
  'cities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** ISO 3166-1 alpha-2; the region is derived from it, never stored. */
    country: text('country').notNull(),
    /** cityKey(country, name): the same city however it is typed. */
    cityKey: text('city_key').notNull(),
    population: integer('population'),
    secondaryCity: integer('secondary_city', { mode: 'boolean' }).notNull().default(false),
    contexts: text('contexts', { mode: 'json' }).$type<MigrationContext[]>().notNull().default(sql`'[]'`),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('cities_city_key_unique').on(table.cityKey)],
);

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Stored lower-case; logins match it case-insensitively. */
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    /** Null until an invited user sets a password. */
    passwordHash: text('password_hash'),
    role: text('role').$type<Role>().notNull(),
    cityId: integer('city_id').references(() => cities.id),
    partnerOrganisation: text('partner_organisation'),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    /** Bumped to end the old calendar feed URL at once (the URL is derived from it, never stored). */
    calendarVersion: integer('calendar_version').notNull().default(1),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('users_email_unique').on(table.email)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    /** SHA-256 of the token's secret part; the token itself is never stored. */
    secretHash: text('secret_hash').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    lastVerifiedAt: integer('last_verified_at').notNull(),
  },
  (table) => [
    index('sessions_user_id').on(table.userId),
    // The sweep of abandoned sessions deletes by age.
    index('sessions_last_verified_at').on(table.lastVerifiedAt),
    index('sessions_created_at').on(table.createdAt),
  ],
);

/** Failed logins only: successful ones never count towards a lock-out. */
export const loginFailures = sqliteTable(
  'login_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(),
    clientAddress: text('client_address').notNull(),
    /** The device cookie's id when the browser held a valid one for this account; null otherwise. */
    device: text('device'),
    at: integer('at').notNull(),
  },
  (table) => [
    index('login_failures_email_at').on(table.email, table.at),
    index('login_failures_device_at').on(table.device, table.at),
    // Each attempt first clears failures older than the window.
    index('login_failures_at').on(table.at),
    index('login_failures_address_at').on(table.clientAddress, table.at),
  ],
);

export const seats = sqliteTable('seats', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  number: integer('number').notNull().unique(),
});

export const terms = sqliteTable(
  'terms',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    seatId: integer('seat_id')
      .notNull()
      .references(() => seats.id),
    memberName: text('member_name').notNull(),
    cityId: integer('city_id')
      .notNull()
      .references(() => cities.id),
    userId: integer('user_id').references(() => users.id),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
    termNumber: integer('term_number').notNull().default(1),
    endedOn: text('ended_on'),
    endReason: text('end_reason').$type<TermEndReason>(),
    /** The member's mayoral mandate end (next municipal election): forecasts early vacancies. */
    mandateEndsOn: text('mandate_ends_on'),
    // The city as it was when the term started: a past composition is computed from these, so
    // changing a city's contexts later changes only what comes after (DESIGN.md, "History").
    region: text('region')
      .$type<Region>()
      .notNull()
      .default('' as Region),
    contexts: text('contexts', { mode: 'json' }).$type<MigrationContext[]>().notNull().default(sql`'[]'`),
    secondaryCity: integer('secondary_city', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
  },
  (table) => [
    // A seat's terms in order: its history, newest first, a page at a time. With the effective
    // end in the index, finding a seat's latest ended terms reads no table row it does not show.
    index('terms_seat_starts').on(
      table.seatId,
      table.startsOn,
      sql`coalesce(${table.endedOn}, ${table.endsOn})`,
    ),
    index('terms_user_id').on(table.userId),
    // A city's terms: what its term numbers and the term limit count.
    index('terms_city_id').on(table.cityId),
    index('terms_ends_on').on(table.endsOn),
    // Who sits on a day: the terms whose effective end (an early end, else the scheduled one) is
    // after it. The expression is the one features/terms/term-active.ts writes.
    index('terms_effective_end').on(sql`coalesce(${table.endedOn}, ${table.endsOn})`),
  ],
);

/** One row per setting; values are JSON, validated by src/features/settings/settings.ts. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  /** JSON text, so that a null setting (no term limit) is stored as 'null', not as SQL NULL. */
  value: text('value').notNull(),
});

/** Append-only and hash-chained: each entry's hash covers its content and the previous hash. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    actorId: integer('actor_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id'),
    details: text('details').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (table) => [
    index('audit_log_action').on(table.action),
    index('audit_log_subject').on(table.subjectType, table.subjectId),
    index('audit_log_at').on(table.at),
  ],
);

/**
 * How far the audit chain was last verified: pages check only what came after, and a full walk
 * runs on demand (or from `audit:verify`). Not itself audited: it records a reading, not a change.
 */
export const auditCheckpoints = sqliteTable('audit_checkpoints', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  lastEntryId: integer('last_entry_id').notNull(),
  lastHash: text('last_hash').notNull(),
  entries: integer('entries').notNull(),
  verifiedAt: text('verified_at').notNull(),
});

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * Mail written in the same transaction as its cause and delivered later by a job. An invitation's
 * row holds no link: the link is minted when the message is delivered (`invitationId`).
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** What the message is (alert, invitation, nomination notice…), for the secretariat's list. */
    kind: text('kind').notNull().default('notice'),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    invitationId: integer('invitation_id').references(() => invitations.id),
    status: text('status').$type<OutboxStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    /** When a delivery run took it; a row left 'sending' past the lease was cut off by a crash. */
    claimedAt: text('claimed_at'),
    /** The Message-ID it is sent with, the same on every attempt, so a re-send is recognisable. */
    messageId: text('message_id'),
    lastError: text('last_error'),
    sentAt: text('sent_at'),
    createdAt: createdAt(),
  },
  (table) => [index('outbox_status_next').on(table.status, table.nextAttemptAt)],
);

/** One row per job while a process runs it; expired rows are free to take (a crashed holder). */
export const jobLeases = sqliteTable('job_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  acquiredAt: text('acquired_at').notNull(),
  expiresAt: text('expires_at').notNull(),
});

export const ALERT_KINDS = [
  'term_ending',
  'mandate_ending',
  'vacancy_opened',
  'nomination_deadline',
  'ballot_opened',
  'ballot_closing',
  'quorum_at_risk',
  'ballot_closed',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Something someone must not miss; raised once per (kind, subject, threshold), whoever runs the job. */
export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').$type<AlertKind>().notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: integer('subject_id').notNull(),
    /** The threshold that raised it (days or hours before); 0 for an alert without one. */
    threshold: integer('threshold').notNull().default(0),
    /** What it is about, as the list and the e-mail say it. */
    title: text('title').notNull(),
    /** Where to act on it (a path in the app). */
    link: text('link').notNull(),
    /** When the thing it warns of falls due (a date, or a date-time for ballots). */
    dueAt: text('due_at').notNull(),
    raisedAt: text('raised_at').notNull(),
  },
  (table) => [
    uniqueIndex('alerts_once').on(table.kind, table.subjectType, table.subjectId, table.threshold),
    // The alerts page's order: soonest due first, newest first among those due together.
    index('alerts_due').on(table.dueAt, sql`${table.id} DESC`),
  ],
);

/** Each recipient acknowledges for themselves; the secretariat may acknowledge for everyone. */
export const alertRecipients = sqliteTable(
  'alert_recipients',
  {
    alertId: integer('alert_id')
      .notNull()
      .references(() => alerts.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    acknowledgedAt: text('acknowledged_at'),
    acknowledgedBy: integer('acknowledged_by').references(() => users.id),
  },
  (table) => [
    uniqueIndex('alert_recipients_once').on(table.alertId, table.userId),
    index('alert_recipients_user').on(table.userId, table.acknowledgedAt),
    // The alerts someone has still to acknowledge: few, however long the history of done ones.
    index('alert_recipients_open').on(table.alertId).where(sql`acknowledged_at IS NULL`),
  ],
);

export const vacancies = sqliteTable(
  'vacancies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    seatId: integer('seat_id')
      .notNull()
      .references(() => seats.id),
    /** The term whose end frees the seat; null for a seat that was already empty. */
    termId: integer('term_id').references(() => terms.id),
    reason: text('reason').$type<VacancyReason>().notNull(),
    /** The first day the seat is free: the ending term's (effective) end. */
    freeOn: text('free_on').notNull(),
    nominationDeadline: text('nomination_deadline'),
    status: text('status').$type<VacancyStatus>().notNull().default('upcoming'),
    openedAt: text('opened_at'),
    filledByTermId: integer('filled_by_term_id').references(() => terms.id),
    createdAt: createdAt(),
  },
  (table) => [
    // One vacancy per term end, and one unfinished vacancy per seat, whatever runs at once.
    uniqueIndex('vacancies_term_unique')
      .on(table.termId)
      .where(sql`term_id IS NOT NULL AND status <> 'cancelled'`),
    uniqueIndex('vacancies_seat_unfinished_unique')
      .on(table.seatId)
      .where(sql`status NOT IN ('filled', 'cancelled')`),
    // "Is anything due?" on every page read: open vacancies by deadline.
    index('vacancies_status_deadline').on(table.status, table.nominationDeadline),
  ],
);

export const nominations = sqliteTable(
  'nominations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    vacancyId: integer('vacancy_id')
      .notNull()
      .references(() => vacancies.id),
    nominatedBy: integer('nominated_by')
      .notNull()
      .references(() => users.id),
    nomineeName: text('nominee_name').notNull(),
    nomineeTitle: text('nominee_title').notNull(),
    nomineeEmail: text('nominee_email').notNull(),
    cityName: text('city_name').notNull(),
    country: text('country').notNull(),
    cityKey: text('city_key').notNull(),
    contexts: text('contexts', { mode: 'json' }).$type<MigrationContext[]>().notNull(),
    secondaryCity: integer('secondary_city', { mode: 'boolean' }).notNull().default(false),
    mandateEndsOn: text('mandate_ends_on').notNull(),
    statement: text('statement').notNull(),
    consent: integer('consent', { mode: 'boolean' }).notNull().default(false),
    /** Random file name under the data folder; never a path the user chose. */
    documentFile: text('document_file'),
    documentName: text('document_name'),
    documentSize: integer('document_size'),
    status: text('status').$type<NominationStatus>().notNull().default('draft'),
    /** Why the secretariat found it ineligible (required then). */
    statusNote: text('status_note'),
    submittedAt: text('submitted_at'),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (table) => [
    // A city is nominated at most once per vacancy: drafts (private, unfinished) and withdrawn
    // nominations do not count. The index makes this hold for two submissions at the same instant.
    uniqueIndex('nominations_city_per_vacancy')
      .on(table.vacancyId, table.cityKey)
      .where(sql`status NOT IN ('draft', 'withdrawn')`),
    // A nominator keeps at most one unfinished draft per vacancy.
    uniqueIndex('nominations_one_draft_per_nominator')
      .on(table.vacancyId, table.nominatedBy)
      .where(sql`status = 'draft'`),
    index('nominations_nominated_by').on(table.nominatedBy),
    index('nominations_vacancy_status').on(table.vacancyId, table.status),
    // By status, and whether submitted: what the shortlist's viewers may count, read from the index.
    index('nominations_status_submitted').on(table.status, table.submittedAt),
    // The few never submitted (drafts): the secretariat's count of the list leaves them out.
    index('nominations_unsubmitted').on(table.nominatedBy).where(sql`submitted_at IS NULL`),
  ],
);

/** Every status change of a nomination: who, when, from what to what, and why. */
export const nominationEvents = sqliteTable(
  'nomination_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    nominationId: integer('nomination_id')
      .notNull()
      .references(() => nominations.id),
    fromStatus: text('from_status').$type<NominationStatus>(),
    toStatus: text('to_status').$type<NominationStatus>().notNull(),
    actorId: integer('actor_id').references(() => users.id),
    note: text('note'),
    at: text('at').notNull(),
  },
  (table) => [index('nomination_events_nomination').on(table.nominationId)],
);

/**
 * Single-use links to set a password. Only a hash of the token is stored, and only from the
 * moment its e-mail is delivered (`mintedAt`): before that, no link exists anywhere.
 */
export const invitations = sqliteTable(
  'invitations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    tokenHash: text('token_hash'),
    mintedAt: text('minted_at'),
    expiresAt: text('expires_at').notNull(),
    usedAt: text('used_at'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('invitations_token_hash').on(table.tokenHash),
    index('invitations_user_id').on(table.userId),
  ],
);

/** Public requests for a nominator account, waiting for the secretariat. */
export const accountRequests = sqliteTable(
  'account_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    email: text('email').notNull(),
    cityName: text('city_name').notNull(),
    country: text('country').notNull(),
    roleAtCity: text('role_at_city').notNull(),
    /** `duplicate`: a repeat for an e-mail already known, kept only so that it counts towards the limit. */
    status: text('status')
      .$type<'pending' | 'accepted' | 'declined' | 'duplicate'>()
      .notNull()
      .default('pending'),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: text('decided_at'),
    clientAddress: text('client_address').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    index('account_requests_status').on(table.status),
    index('account_requests_address').on(table.clientAddress, table.createdAt),
  ],
);

export const BALLOT_METHODS = ['ranked', 'approval', 'single', 'confirm'] as const;
export type BallotMethod = (typeof BALLOT_METHODS)[number];
export const BALLOT_STATUSES = ['draft', 'open', 'closed', 'certified', 'cancelled'] as const;
export type BallotStatus = (typeof BALLOT_STATUSES)[number];
export const TIE_RULES = ['runoff', 'lot', 'chair'] as const;
export type BallotTieRule = (typeof TIE_RULES)[number];

/** What a closed ballot's count found, as stored: the tally and everything shown beside it. */
export interface BallotResult {
  outcome: 'winner' | 'tie' | 'no_quorum' | 'rejected';
  /** The winning nomination's id, as a string (the tally's candidate key). */
  winner: string | null;
  tied: string[];
  rounds: Array<{ tally: Record<string, number>; eliminated: string[]; exhausted: number }>;
  draws: Array<{
    round: number;
    purpose: string;
    seed: string;
    tied: string[];
    order: string[];
    chosen: string;
  }>;
  /** Binding ballots cast (abstentions included), and the voters they are counted against. */
  cast: number;
  eligible: number;
  quorumMet: boolean;
  /** Advisory partner ballots: the tally only when at least three were cast. */
  advisory: {
    cast: number;
    disclosed: boolean;
    rounds?: BallotResult['rounds'];
    winner?: string | null;
  } | null;
}

/** A selection ballot for a vacancy (DESIGN.md, "Ballots"). Times are instants in UTC. */
export const ballots = sqliteTable(
  'ballots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    vacancyId: integer('vacancy_id')
      .notNull()
      .references(() => vacancies.id),
    method: text('method').$type<BallotMethod>().notNull(),
    opensAt: text('opens_at').notNull(),
    closesAt: text('closes_at').notNull(),
    quorumPercent: integer('quorum_percent').notNull(),
    secret: integer('secret', { mode: 'boolean' }).notNull().default(true),
    partnerVotes: text('partner_votes').$type<'binding' | 'advisory'>().notNull().default('binding'),
    tieRule: text('tie_rule').$type<BallotTieRule>().notNull().default('runoff'),
    status: text('status').$type<BallotStatus>().notNull().default('draft'),
    /** The ballot this one repeats among the tied candidates, if any. */
    runoffOf: integer('runoff_of'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: text('created_at').notNull(),
    openedAt: text('opened_at'),
    closedAt: text('closed_at'),
    /** Who closed it early; null when it closed by itself at its time. */
    closedBy: integer('closed_by').references(() => users.id),
    result: text('result', { mode: 'json' }).$type<BallotResult>(),
    /** The seed of a drawing of lots, recorded when the count needed one. */
    lotSeed: text('lot_seed'),
    castingVote: integer('casting_vote').references(() => nominations.id),
    certifiedAt: text('certified_at'),
    certifiedBy: integer('certified_by').references(() => users.id),
    overrideReason: text('override_reason'),
    termId: integer('term_id').references(() => terms.id),
  },
  (table) => [
    index('ballots_vacancy').on(table.vacancyId),
    // "Is any ballot due to open or close?" on every page read.
    index('ballots_status_opens').on(table.status, table.opensAt),
    index('ballots_status_closes').on(table.status, table.closesAt),
  ],
);

export const ballotCandidates = sqliteTable(
  'ballot_candidates',
  {
    ballotId: integer('ballot_id')
      .notNull()
      .references(() => ballots.id),
    nominationId: integer('nomination_id')
      .notNull()
      .references(() => nominations.id),
    position: integer('position').notNull(),
  },
  (table) => [primaryKey({ columns: [table.ballotId, table.nominationId] })],
);

/**
 * Who may vote, fixed when the ballot opens. For a secret ballot it records only THAT someone
 * voted: no time, no order, nothing that leads to their vote.
 */
export const voterRoll = sqliteTable(
  'voter_roll',
  {
    ballotId: integer('ballot_id')
      .notNull()
      .references(() => ballots.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    weightClass: text('weight_class').$type<'board' | 'partner'>().notNull(),
    /** Partners' votes may be advisory: counted apart, and not towards the quorum. */
    binding: integer('binding', { mode: 'boolean' }).notNull(),
    voted: integer('voted', { mode: 'boolean' }).notNull().default(false),
    recusal: text('recusal').$type<'automatic' | 'declared'>(),
    recusalReason: text('recusal_reason'),
  },
  (table) => [
    primaryKey({ columns: [table.ballotId, table.userId] }),
    index('voter_roll_user').on(table.userId),
  ],
);

/**
 * The ballots cast. The table has no rowid (see the migration): rows are kept in the order of
 * their random receipt codes, so neither their order nor their position tells when — or after
 * whom — a vote was cast. A secret ballot's vote has no voter and no time.
 */
/** The width a vote's choices are padded to (JSON allows the trailing spaces). */
export const VOTE_CHOICES_WIDTH = 512;
/** An empty vote row's choices, as stored (a JS null would be SQL NULL, never passed to toDriver). */
export const EMPTY_VOTE_CHOICES = 'null'.padEnd(VOTE_CHOICES_WIDTH, ' ');

/**
 * A vote's choices, as JSON padded with spaces to a fixed width. A ballot's vote rows are made
 * empty (JSON null) when it opens, one per voter on the roll, in the order of their random
 * receipts; a vote fills a random empty one. The row keeps its size, so SQLite rewrites it where it
 * is: nothing in the file's bytes keeps the order in which votes were cast (DESIGN.md, "no link,
 * time or order that leads back to the voter").
 */
const voteChoices = customType<{ data: string[] | null; driverData: string }>({
  dataType: () => 'text',
  toDriver: (choices) => JSON.stringify(choices).padEnd(VOTE_CHOICES_WIDTH, ' '),
  fromDriver: (text) => JSON.parse(text) as string[] | null,
});

export const votes = sqliteTable(
  'votes',
  {
    ballotId: integer('ballot_id')
      .notNull()
      .references(() => ballots.id),
    receipt: text('receipt').notNull(),
    /**
     * Nomination ids in preference order (ranked), the approved ones, the one chosen, or yes/no;
     * null in a slot no voter has filled yet (see voteChoices).
     */
    choices: voteChoices('choices').notNull(),
    weightClass: text('weight_class').$type<'board' | 'partner'>().notNull(),
    binding: integer('binding', { mode: 'boolean' }).notNull(),
    /** Named ballots only. */
    voterId: integer('voter_id').references(() => users.id),
    castAt: text('cast_at'),
  },
  (table) => [
    primaryKey({ columns: [table.ballotId, table.receipt] }),
    // A named ballot's voter votes once, whatever runs at once (a secret ballot relies on the roll).
    uniqueIndex('votes_named_voter').on(table.ballotId, table.voterId),
  ],
);

/**
 * One row, whose `n` grows with every committed change to what a page can show: triggers on
 * every other table bump it (migration 0009), except on sessions, failed logins and job leases,
 * which no page shows. Kept pages and reads kept in memory (settings, seats) are dropped when it
 * moves, by whichever process wrote; a rolled-back write moves nothing.
 */
export const contentVersion = sqliteTable('content_version', {
  id: integer('id').primaryKey(),
  n: integer('n').notNull(),
});
