-- Votes are stored WITHOUT ROWID: rows sit in the order of their random receipt codes, so the
-- table's order says nothing about when, or after whom, a vote was cast.
CREATE TABLE `ballot_candidates` (
	`ballot_id` integer NOT NULL,
	`nomination_id` integer NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`ballot_id`, `nomination_id`),
	FOREIGN KEY (`ballot_id`) REFERENCES `ballots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`nomination_id`) REFERENCES `nominations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ballots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`vacancy_id` integer NOT NULL,
	`method` text NOT NULL,
	`opens_at` text NOT NULL,
	`closes_at` text NOT NULL,
	`quorum_percent` integer NOT NULL,
	`secret` integer DEFAULT true NOT NULL,
	`partner_votes` text DEFAULT 'binding' NOT NULL,
	`tie_rule` text DEFAULT 'runoff' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`runoff_of` integer,
	`created_by` integer,
	`created_at` text NOT NULL,
	`opened_at` text,
	`closed_at` text,
	`closed_by` integer,
	`result` text,
	`lot_seed` text,
	`casting_vote` integer,
	`certified_at` text,
	`certified_by` integer,
	`override_reason` text,
	`term_id` integer,
	FOREIGN KEY (`vacancy_id`) REFERENCES `vacancies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`closed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`casting_vote`) REFERENCES `nominations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`certified_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ballots_vacancy` ON `ballots` (`vacancy_id`);--> statement-breakpoint
CREATE INDEX `ballots_status_opens` ON `ballots` (`status`,`opens_at`);--> statement-breakpoint
CREATE INDEX `ballots_status_closes` ON `ballots` (`status`,`closes_at`);--> statement-breakpoint
CREATE TABLE `voter_roll` (
	`ballot_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`weight_class` text NOT NULL,
	`binding` integer NOT NULL,
	`voted` integer DEFAULT false NOT NULL,
	`recusal` text,
	`recusal_reason` text,
	PRIMARY KEY(`ballot_id`, `user_id`),
	FOREIGN KEY (`ballot_id`) REFERENCES `ballots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `voter_roll_user` ON `voter_roll` (`user_id`);--> statement-breakpoint
CREATE TABLE `votes` (
	`ballot_id` integer NOT NULL,
	`receipt` text NOT NULL,
	`choices` text NOT NULL,
	`weight_class` text NOT NULL,
	`binding` integer NOT NULL,
	`voter_id` integer,
	`cast_at` text,
	PRIMARY KEY(`ballot_id`, `receipt`),
	FOREIGN KEY (`ballot_id`) REFERENCES `ballots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`voter_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
CREATE UNIQUE INDEX `votes_named_voter` ON `votes` (`ballot_id`,`voter_id`);--> statement-breakpoint
CREATE INDEX `login_failures_at` ON `login_failures` (`at`);