CREATE TABLE `account_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`city_name` text NOT NULL,
	`country` text NOT NULL,
	`role_at_city` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`decided_by` integer,
	`decided_at` text,
	`client_address` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `account_requests_status` ON `account_requests` (`status`);--> statement-breakpoint
CREATE INDEX `account_requests_address` ON `account_requests` (`client_address`,`created_at`);--> statement-breakpoint
CREATE TABLE `invitations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token_hash` ON `invitations` (`token_hash`);--> statement-breakpoint
CREATE TABLE `nomination_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`nomination_id` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`actor_id` integer,
	`note` text,
	`at` text NOT NULL,
	FOREIGN KEY (`nomination_id`) REFERENCES `nominations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `nomination_events_nomination` ON `nomination_events` (`nomination_id`);--> statement-breakpoint
CREATE TABLE `nominations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`vacancy_id` integer NOT NULL,
	`nominated_by` integer NOT NULL,
	`nominee_name` text NOT NULL,
	`nominee_title` text NOT NULL,
	`nominee_email` text NOT NULL,
	`city_name` text NOT NULL,
	`country` text NOT NULL,
	`city_key` text NOT NULL,
	`contexts` text NOT NULL,
	`secondary_city` integer DEFAULT false NOT NULL,
	`mandate_ends_on` text NOT NULL,
	`statement` text NOT NULL,
	`consent` integer DEFAULT false NOT NULL,
	`document_file` text,
	`document_name` text,
	`document_size` integer,
	`status` text DEFAULT 'draft' NOT NULL,
	`status_note` text,
	`submitted_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text,
	FOREIGN KEY (`vacancy_id`) REFERENCES `vacancies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`nominated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `nominations_city_per_vacancy` ON `nominations` (`vacancy_id`,`city_key`) WHERE status NOT IN ('draft', 'withdrawn');--> statement-breakpoint
CREATE INDEX `nominations_nominated_by` ON `nominations` (`nominated_by`);