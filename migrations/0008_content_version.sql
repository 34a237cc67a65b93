CREATE TABLE `content_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`n` integer NOT NULL
);
