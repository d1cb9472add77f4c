-- Process health for the manager's diagnostics, and the bookkeeping of the
-- daily maintenance that keeps it (and the audit and event logs) bounded.
--
-- Every long-running process (desk, kiosk, webhook receiver, a lasting
-- carwash-admin run) publishes its health snapshot here every few seconds.
-- A process is (host, pid, started_at): a pid reused after a restart is a
-- new row, never a continuation of the old one. updated_at is the
-- database's clock, so "stale" does not depend on the clocks of the desks.
CREATE TABLE process_health (
    host       text NOT NULL CHECK (host <> ''),
    pid        bigint NOT NULL CHECK (pid > 0),
    started_at timestamptz NOT NULL,
    program    text NOT NULL CHECK (program <> ''),
    snapshot   jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (host, pid, started_at)
);
-- Maintenance removes rows by age.
CREATE INDEX process_health_updated_idx ON process_health (updated_at);
-- Stripe events are kept until processed; maintenance removes old processed ones.
CREATE INDEX stripe_events_processed_idx ON stripe_events (processed_at) WHERE processed_at IS NOT NULL;

-- When each maintenance task last ran, so the desks (several may run it
-- daily) leave it to whoever came first, and what it removed.
CREATE TABLE maintenance_runs (
    task        text PRIMARY KEY CHECK (task <> ''),
    last_run_at timestamptz NOT NULL DEFAULT now(),
    ran_by      text NOT NULL,
    result      jsonb NOT NULL DEFAULT '{}'
);
