-- A booking's status as of now, in one place.
--
-- A hold whose time has passed reads as expired even before anyone flips its
-- row (see 0001_initial.sql, "Expired holds"). Every statement that shows or
-- judges a status said so with its own copy of the same CASE; they now call
-- this function instead. LANGUAGE sql, STABLE (it reads now()) and a single
-- SELECT, so the planner inlines it into the calling statement: it costs
-- nothing over the written-out CASE and never blocks an index.
CREATE FUNCTION booking_status_now(status text, hold_expires_at timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
SELECT CASE WHEN status = 'held' AND hold_expires_at <= now() THEN 'expired' ELSE status END
$$;
