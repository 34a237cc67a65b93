CREATE TABLE `alert_recipients` (
	`alert_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`acknowledged_at` text,
	`acknowledged_by` integer,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`acknowledged_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_recipients_once` ON `alert_recipients` (`alert_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `alert_recipients_user` ON `alert_recipients` (`user_id`,`acknowledged_at`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` integer NOT NULL,
	`threshold` integer DEFAULT 0 NOT NULL,
	`title` text NOT NULL,
	`link` text NOT NULL,
	`due_at` text NOT NULL,
	`raised_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_once` ON `alerts` (`kind`,`subject_type`,`subject_id`,`threshold`);--> statement-breakpoint
CREATE INDEX `alerts_due` ON `alerts` (`due_at`);--> statement-breakpoint
CREATE TABLE `job_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`acquired_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_invitations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`token_hash` text,
	`minted_at` text,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_invitations`("id", "user_id", "token_hash", "minted_at", "expires_at", "used_at", "created_by", "created_at") SELECT "id", "user_id", "token_hash", NULL, "expires_at", "used_at", "created_by", "created_at" FROM `invitations`;--> statement-breakpoint
DROP TABLE `invitations`;--> statement-breakpoint
ALTER TABLE `__new_invitations` RENAME TO `invitations`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token_hash` ON `invitations` (`token_hash`);--> statement-breakpoint
CREATE INDEX `invitations_user_id` ON `invitations` (`user_id`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `kind` text DEFAULT 'notice' NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox` ADD `invitation_id` integer REFERENCES invitations(id);--> statement-breakpoint
ALTER TABLE `outbox` ADD `claimed_at` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `message_id` text;--> statement-breakpoint
ALTER TABLE `users` ADD `calendar_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Links minted before this version sat in plain text in the outbox (and so in every backup): they
-- are ended, and their mails emptied of them. The secretariat re-sends any invitation still needed.
UPDATE `invitations` SET `expires_at` = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE `used_at` IS NULL AND `expires_at` > strftime('%Y-%m-%dT%H:%M:%fZ', 'now');--> statement-breakpoint
UPDATE `outbox` SET `kind` = 'invitation', `text_body` = 'This invitation was withdrawn when the application was upgraded. The council secretariat will send a new one.', `html_body` = '<p>This invitation was withdrawn when the application was upgraded. The council secretariat will send a new one.</p>', `status` = CASE WHEN `status` = 'pending' THEN 'cancelled' ELSE `status` END WHERE `text_body` LIKE '%/invitations/%';
