DROP INDEX `nominations_status`;--> statement-breakpoint
CREATE INDEX `nominations_status_submitted` ON `nominations` (`status`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `nominations_unsubmitted` ON `nominations` (`nominated_by`) WHERE submitted_at IS NULL;--> statement-breakpoint
DROP INDEX `terms_seat_id`;--> statement-breakpoint
CREATE INDEX `terms_seat_starts` ON `terms` (`seat_id`,`starts_on`,coalesce("ended_on", "ends_on"));--> statement-breakpoint
CREATE INDEX `terms_city_id` ON `terms` (`city_id`);--> statement-breakpoint
CREATE INDEX `terms_effective_end` ON `terms` (coalesce("ended_on", "ends_on"));--> statement-breakpoint
DROP INDEX `alerts_due`;--> statement-breakpoint
CREATE INDEX `alerts_due` ON `alerts` (`due_at`,"id" DESC);--> statement-breakpoint
CREATE INDEX `alert_recipients_open` ON `alert_recipients` (`alert_id`) WHERE acknowledged_at IS NULL;