CREATE TABLE `vacancies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seat_id` integer NOT NULL,
	`term_id` integer,
	`reason` text NOT NULL,
	`free_on` text NOT NULL,
	`nomination_deadline` text,
	`status` text DEFAULT 'upcoming' NOT NULL,
	`opened_at` text,
	`filled_by_term_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`seat_id`) REFERENCES `seats`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`filled_by_term_id`) REFERENCES `terms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vacancies_term_unique` ON `vacancies` (`term_id`) WHERE term_id IS NOT NULL AND status <> 'cancelled';--> statement-breakpoint
CREATE UNIQUE INDEX `vacancies_seat_unfinished_unique` ON `vacancies` (`seat_id`) WHERE status NOT IN ('filled', 'cancelled');