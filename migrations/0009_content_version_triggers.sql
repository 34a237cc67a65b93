-- The content version (see content_version in src/db/schema.ts): every change to a table a page
-- can show bumps it, in the same transaction, so a rollback takes the bump back too. Not on
-- sessions, login_failures or job_leases: no page shows them, and they change on reads (a
-- session's renewal), on failed logins and on every job run.
INSERT INTO `content_version` (`id`, `n`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `account_requests_insert_content_version` AFTER INSERT ON `account_requests`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `account_requests_update_content_version` AFTER UPDATE ON `account_requests`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `account_requests_delete_content_version` AFTER DELETE ON `account_requests`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `alert_recipients_insert_content_version` AFTER INSERT ON `alert_recipients`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `alert_recipients_update_content_version` AFTER UPDATE ON `alert_recipients`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `alert_recipients_delete_content_version` AFTER DELETE ON `alert_recipients`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `alerts_insert_content_version` AFTER INSERT ON `alerts`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `alerts_update_content_version` AFTER UPDATE ON `alerts`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `alerts_delete_content_version` AFTER DELETE ON `alerts`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `audit_checkpoints_insert_content_version` AFTER INSERT ON `audit_checkpoints`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `audit_checkpoints_update_content_version` AFTER UPDATE ON `audit_checkpoints`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `audit_checkpoints_delete_content_version` AFTER DELETE ON `audit_checkpoints`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_insert_content_version` AFTER INSERT ON `audit_log`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_update_content_version` AFTER UPDATE ON `audit_log`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_delete_content_version` AFTER DELETE ON `audit_log`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ballot_candidates_insert_content_version` AFTER INSERT ON `ballot_candidates`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ballot_candidates_update_content_version` AFTER UPDATE ON `ballot_candidates`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ballot_candidates_delete_content_version` AFTER DELETE ON `ballot_candidates`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ballots_insert_content_version` AFTER INSERT ON `ballots`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ballots_update_content_version` AFTER UPDATE ON `ballots`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ballots_delete_content_version` AFTER DELETE ON `ballots`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cities_insert_content_version` AFTER INSERT ON `cities`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cities_update_content_version` AFTER UPDATE ON `cities`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `cities_delete_content_version` AFTER DELETE ON `cities`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `invitations_insert_content_version` AFTER INSERT ON `invitations`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `invitations_update_content_version` AFTER UPDATE ON `invitations`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `invitations_delete_content_version` AFTER DELETE ON `invitations`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `nomination_events_insert_content_version` AFTER INSERT ON `nomination_events`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `nomination_events_update_content_version` AFTER UPDATE ON `nomination_events`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `nomination_events_delete_content_version` AFTER DELETE ON `nomination_events`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `nominations_insert_content_version` AFTER INSERT ON `nominations`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `nominations_update_content_version` AFTER UPDATE ON `nominations`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `nominations_delete_content_version` AFTER DELETE ON `nominations`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `outbox_insert_content_version` AFTER INSERT ON `outbox`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `outbox_update_content_version` AFTER UPDATE ON `outbox`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `outbox_delete_content_version` AFTER DELETE ON `outbox`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `seats_insert_content_version` AFTER INSERT ON `seats`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `seats_update_content_version` AFTER UPDATE ON `seats`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `seats_delete_content_version` AFTER DELETE ON `seats`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `settings_insert_content_version` AFTER INSERT ON `settings`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `settings_update_content_version` AFTER UPDATE ON `settings`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `settings_delete_content_version` AFTER DELETE ON `settings`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `terms_insert_content_version` AFTER INSERT ON `terms`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `terms_update_content_version` AFTER UPDATE ON `terms`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `terms_delete_content_version` AFTER DELETE ON `terms`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `users_insert_content_version` AFTER INSERT ON `users`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `users_update_content_version` AFTER UPDATE ON `users`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `users_delete_content_version` AFTER DELETE ON `users`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `vacancies_insert_content_version` AFTER INSERT ON `vacancies`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `vacancies_update_content_version` AFTER UPDATE ON `vacancies`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `vacancies_delete_content_version` AFTER DELETE ON `vacancies`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `voter_roll_insert_content_version` AFTER INSERT ON `voter_roll`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `voter_roll_update_content_version` AFTER UPDATE ON `voter_roll`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `voter_roll_delete_content_version` AFTER DELETE ON `voter_roll`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `votes_insert_content_version` AFTER INSERT ON `votes`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `votes_update_content_version` AFTER UPDATE ON `votes`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `votes_delete_content_version` AFTER DELETE ON `votes`
BEGIN
  UPDATE `content_version` SET `n` = `n` + 1;
END;
