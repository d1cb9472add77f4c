-- Card payments: Stripe Checkout and Terminal through carwash-server.
--
-- Only carwash-server talks to Stripe and holds its secrets. Desks, kiosks
-- and carwash-admin ask it for Stripe work through payment_requests: a row
-- inserted (with pg_notify('payment_requests', id)) in the same transaction
-- as the payment or refund row it is about, picked up by the server
-- (LISTEN, and a poll as the fallback), answered by updating the row and
-- pg_notify('payments_changed', {...}). A request survives a server restart;
-- its idempotency key (also the Idempotency-Key sent to Stripe) makes a
-- repeated request harmless.

-- A payment that a person should look at, and why: refunded automatically
-- because another booking took the slot after the hold ended, a duplicate
-- charge refunded, a refund Stripe refused. NULL when all is well; set to
-- NULL again by whoever dealt with it (audited).
ALTER TABLE payments
    ADD COLUMN attention         text CHECK (attention <> ''),
    -- The Checkout Session's own expiry (Stripe's, at least 30 minutes ahead);
    -- the hold keeps its own shorter one and the server expires the session
    -- when the hold ends unpaid.
    ADD COLUMN checkout_expires_at timestamptz,
    -- 'processing': a Checkout session completed with an asynchronous
    -- method still settling (payment_status unpaid); it ends in succeeded or
    -- failed.
    DROP CONSTRAINT payments_status_check,
    ADD CONSTRAINT payments_status_check
        CHECK (status IN ('pending', 'processing', 'succeeded', 'failed', 'cancelled', 'expired', 'refunded'));

-- Only one way of paying by card is live at a time for a booking: starting
-- the other cancels the first (the same transaction), so a second live one
-- is a bug the database refuses.
CREATE UNIQUE INDEX payments_one_live_card_idx ON payments (booking_id)
    WHERE status IN ('pending', 'processing') AND method IN ('stripe_checkout', 'terminal');
-- The reconciler: card payments still pending, oldest first.
CREATE INDEX payments_pending_card_idx ON payments (created_at)
    WHERE status IN ('pending', 'processing') AND method IN ('stripe_checkout', 'terminal');
-- The day's takings read payments by the time they were paid.
CREATE INDEX payments_paid_at_idx ON payments (paid_at) WHERE paid_at IS NOT NULL;

-- Each refund, cash or card, full or partial. payments.refunded_cents is the
-- sum of a payment's succeeded refunds (kept by the same transaction that
-- marks a refund succeeded); a payment refunded in full has status
-- 'refunded'. Takings count a refund on the day it succeeded.
CREATE TABLE refunds (
    id               bigserial PRIMARY KEY,
    payment_id       bigint NOT NULL REFERENCES payments (id),
    method           text NOT NULL CHECK (method IN ('cash', 'card')),
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'succeeded', 'failed')),
    amount_cents     bigint NOT NULL CHECK (amount_cents > 0),
    currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    reason           text NOT NULL DEFAULT '',
    -- Why it was made without a person asking: 'slot_taken', 'duplicate'.
    automatic        text CHECK (automatic IN ('slot_taken', 'duplicate')),
    stripe_refund_id text UNIQUE,
    idempotency_key  text NOT NULL UNIQUE CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
    failure_reason   text,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    succeeded_at     timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'succeeded') = (succeeded_at IS NOT NULL)),
    CHECK (method = 'card' OR stripe_refund_id IS NULL)
);
CREATE INDEX refunds_payment_idx ON refunds (payment_id);
CREATE INDEX refunds_succeeded_at_idx ON refunds (succeeded_at) WHERE succeeded_at IS NOT NULL;
-- An automatic refund happens once per payment, however often the event
-- that caused it is delivered.
CREATE UNIQUE INDEX refunds_one_automatic_idx ON refunds (payment_id) WHERE automatic IS NOT NULL;
CREATE TRIGGER refunds_updated_at BEFORE UPDATE ON refunds
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Stripe Terminal readers, registered in Stripe's dashboard; we keep their
-- ids. Each desk and kiosk has at most one reader (a manager assigns it).
CREATE TABLE card_readers (
    id            text PRIMARY KEY CHECK (id ~ '^tmr_[A-Za-z0-9_]+$'),
    label         text NOT NULL CHECK (label <> ''),
    assigned_kind text CHECK (assigned_kind IN ('desk', 'kiosk')),
    assigned_to   text CHECK (assigned_to <> ''),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((assigned_kind IS NULL) = (assigned_to IS NULL))
);
CREATE UNIQUE INDEX card_readers_one_per_device_idx ON card_readers (assigned_kind, assigned_to)
    WHERE assigned_kind IS NOT NULL;

-- Stripe work asked of carwash-server.
--   checkout        create the payment's Checkout Session (payment_id)
--   reader_payment  create the payment's PaymentIntent and send it to reader_id
--   cancel          cancel the payment's live Stripe object (session expired,
--                   reader action cancelled, intent cancelled)
--   refund          carry out refund_id at Stripe
--   reconcile       fetch pending card payments from Stripe once, now
CREATE TABLE payment_requests (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('checkout', 'reader_payment', 'cancel', 'refund', 'reconcile')),
    booking_id      bigint REFERENCES bookings (id),
    payment_id      bigint REFERENCES payments (id),
    refund_id       bigint REFERENCES refunds (id),
    reader_id       text,
    -- The customer's language for Checkout's pages ('en', 'de', …).
    locale          text,
    idempotency_key text NOT NULL UNIQUE CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'working', 'done', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- What went wrong, for the person who asked: Stripe's error type and code
    -- and its message, or ours ('stripe_unreachable').
    error_code      text,
    error_message   text,
    result          jsonb NOT NULL DEFAULT '{}',
    requested_by    text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    answered_at     timestamptz,
    CHECK ((status IN ('done', 'failed')) = (answered_at IS NOT NULL)),
    CHECK (kind = 'reconcile' OR booking_id IS NOT NULL),
    CHECK (kind NOT IN ('checkout', 'reader_payment', 'cancel') OR payment_id IS NOT NULL),
    CHECK (kind <> 'refund' OR refund_id IS NOT NULL),
    CHECK (kind <> 'reader_payment' OR reader_id IS NOT NULL)
);
-- The server's queue: what is still to do, oldest first.
CREATE INDEX payment_requests_open_idx ON payment_requests (created_at) WHERE status IN ('pending', 'working');
CREATE INDEX payment_requests_payment_idx ON payment_requests (payment_id);
CREATE INDEX payment_requests_booking_idx ON payment_requests (booking_id);
CREATE INDEX payment_requests_refund_idx ON payment_requests (refund_id);
CREATE TRIGGER payment_requests_updated_at BEFORE UPDATE ON payment_requests
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Events from Stripe: which payment an event was applied to, so a payment's
-- history can be read back.
ALTER TABLE stripe_events
    ADD COLUMN payment_id bigint REFERENCES payments (id);
CREATE INDEX stripe_events_payment_idx ON stripe_events (payment_id);
