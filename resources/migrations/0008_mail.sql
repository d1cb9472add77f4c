-- Confirmation e-mails: a queue in the database that carwash-server sends
-- from (MailSender), so a mail server that is down delays mail but loses none.
--
-- One place enqueues, and no writer can bypass it: a trigger on bookings.
-- Bookings are confirmed, moved and cancelled by several paths (BookingRepo's
-- create, changeStatus and reschedule; the payment updater and PaymentRepo
-- confirming a paid hold), each with its own UPDATE; a trigger sees every one
-- of them, and those written later, in the writer's own transaction: the
-- mail exists exactly when the change commits.

-- The customer's language for what is sent to them (the API's
-- Accept-Language, the kiosk's language at the time). NULL: the site's.
ALTER TABLE bookings
    ADD COLUMN language text CHECK (language IN ('en', 'es', 'de'));


-- One message to send. The booking's time and bay are copied as they were
-- when the change happened, so a booking moved twice sends two messages that
-- each tell their own move. sequence is the .ics SEQUENCE: how many messages
-- this booking had before, so a calendar applies them in order.
--
-- Sending: a server claims due rows (FOR UPDATE SKIP LOCKED) and takes a
-- lease on them (lease_until); only the lease holder marks them sent, and a
-- lease that runs out (a server that died mid-send) makes the row due again.
-- A failure backs off (next_attempt_at) and keeps its error; a permanent
-- refusal (SMTP 5xx for the recipient) ends the row as failed.
CREATE TABLE mail_outbox (
    id              bigserial PRIMARY KEY,
    booking_id      bigint NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('confirmed', 'moved', 'cancelled')),
    recipient       text NOT NULL CHECK (char_length(recipient) <= 254 AND recipient LIKE '%_@_%'),
    language        text CHECK (language IN ('en', 'es', 'de')),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    bay_id          bigint NOT NULL REFERENCES bays (id),
    sequence        integer NOT NULL CHECK (sequence >= 0),
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_owner     text,
    lease_until     timestamptz,
    last_error      text CHECK (char_length(last_error) <= 1000),
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    CHECK ((lease_owner IS NULL) = (lease_until IS NULL))
);
-- What the sender looks for: pending rows by when they are due.
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX mail_outbox_booking_idx ON mail_outbox (booking_id, id);
-- The foreign key's checks when a bay is deleted.
CREATE INDEX mail_outbox_bay_idx ON mail_outbox (bay_id);

-- confirmed: a booking made confirmed, or a hold confirmed (paid).
-- moved:     a confirmed (or checked-in) booking's start or bay changed.
-- cancelled: a confirmed (or checked-in) booking cancelled. A hold that is
--            cancelled or expires was never confirmed to anyone: no mail.
-- Only for a customer with an e-mail address.
CREATE FUNCTION bookings_enqueue_mail() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    mail_kind text;
    address   text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'confirmed' THEN
            mail_kind := 'confirmed';
        END IF;
    ELSIF NEW.status = 'confirmed' AND OLD.status = 'held' THEN
        mail_kind := 'confirmed';
    ELSIF NEW.status = 'cancelled' AND OLD.status IN ('confirmed', 'checked_in', 'in_progress') THEN
        mail_kind := 'cancelled';
    ELSIF NEW.status IN ('confirmed', 'checked_in') AND OLD.status = NEW.status
          AND (NEW.starts_at <> OLD.starts_at OR NEW.bay_id <> OLD.bay_id) THEN
        mail_kind := 'moved';
    END IF;
    IF mail_kind IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT c.email INTO address FROM customers AS c WHERE c.id = NEW.customer_id;
    IF address IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO mail_outbox (booking_id, kind, recipient, language, starts_at, ends_at, bay_id, sequence)
    SELECT NEW.id, mail_kind, address, NEW.language, NEW.starts_at, NEW.ends_at, NEW.bay_id,
           (SELECT count(*) FROM mail_outbox AS m WHERE m.booking_id = NEW.id);
    -- The sender LISTENs; delivered at commit, not at all on rollback.
    PERFORM pg_notify('mail_outbox', NEW.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER bookings_enqueue_mail_on_insert AFTER INSERT ON bookings
    FOR EACH ROW
    WHEN (NEW.status = 'confirmed')
    EXECUTE FUNCTION bookings_enqueue_mail();

CREATE TRIGGER bookings_enqueue_mail_on_update AFTER UPDATE OF status, starts_at, bay_id ON bookings
    FOR EACH ROW
    WHEN (NEW.status IS DISTINCT FROM OLD.status OR NEW.starts_at <> OLD.starts_at OR NEW.bay_id <> OLD.bay_id)
    EXECUTE FUNCTION bookings_enqueue_mail();
