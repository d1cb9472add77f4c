-- CarWash Desk: the first schema (PostgreSQL 15).
--
-- Applied by Migrator inside one transaction together with its row in
-- schema_migrations, so this file has no BEGIN/COMMIT of its own. Money is
-- integer cents with an ISO 4217 currency; instants are timestamptz (UTC on
-- the wire); the site's IANA time zone lives in site_settings and the booking
-- engine turns local opening hours into instants with it.

-- GiST support for '=' on scalar columns, which the exclusion constraints
-- below combine with range overlap. Trusted extension: a database owner may
-- create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A range of times of day, so opening hours can refuse overlapping rows the
-- same way bookings do (the subtype_diff makes its GiST index efficient).
CREATE FUNCTION time_subtype_diff(x time, y time) RETURNS float8
    LANGUAGE sql STRICT IMMUTABLE
    AS 'SELECT EXTRACT(EPOCH FROM (x - y))';
CREATE TYPE timerange AS RANGE (subtype = time, subtype_diff = time_subtype_diff);

-- Keeps updated_at honest whoever writes the row.
CREATE FUNCTION set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------------
-- Site settings: string values, validated by the application (which knows
-- each key's type and accepted range).
CREATE TABLE site_settings (
    key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER site_settings_updated_at BEFORE UPDATE ON site_settings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Defaults that hold for any site; site.name and site.timezone are written by
-- set-up (the time zone comes from the machine, which SQL cannot know).
INSERT INTO site_settings (key, value) VALUES
    ('booking.slot_minutes', '15'),
    ('booking.buffer_minutes', '5'),
    ('booking.min_notice_minutes', '0'),
    ('booking.horizon_days', '60'),
    ('booking.hold_minutes', '10'),
    ('billing.currency', 'USD');

-- ---------------------------------------------------------------------------
-- Catalogue

CREATE TABLE services (
    id               bigserial PRIMARY KEY,
    name             text NOT NULL UNIQUE CHECK (char_length(btrim(name)) BETWEEN 1 AND 100),
    description      text NOT NULL DEFAULT '',
    duration_minutes integer NOT NULL CHECK (duration_minutes > 0 AND duration_minutes <= 24 * 60),
    active           boolean NOT NULL DEFAULT true,
    sort_order       integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- A service without a row for a vehicle class is not offered for that class.
CREATE TABLE service_prices (
    service_id    bigint NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    vehicle_class text NOT NULL CHECK (vehicle_class IN ('car', 'suv', 'truck')),
    price_cents   bigint NOT NULL CHECK (price_cents >= 0),
    currency      char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    PRIMARY KEY (service_id, vehicle_class)
);

CREATE TABLE addons (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL UNIQUE CHECK (char_length(btrim(name)) BETWEEN 1 AND 100),
    price_cents   bigint NOT NULL CHECK (price_cents >= 0),
    currency      char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    extra_minutes integer NOT NULL DEFAULT 0 CHECK (extra_minutes >= 0 AND extra_minutes <= 24 * 60),
    active        boolean NOT NULL DEFAULT true,
    sort_order    integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Which add-ons may be ordered with which service.
CREATE TABLE service_addons (
    service_id bigint NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    addon_id   bigint NOT NULL REFERENCES addons (id) ON DELETE CASCADE,
    PRIMARY KEY (service_id, addon_id)
);
CREATE INDEX service_addons_addon_idx ON service_addons (addon_id);

CREATE TABLE bays (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (char_length(btrim(name)) BETWEEN 1 AND 100),
    kind       text NOT NULL CHECK (kind IN ('tunnel', 'detail', 'self_serve')),
    active     boolean NOT NULL DEFAULT true,
    sort_order integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Which services each bay can perform.
CREATE TABLE bay_services (
    bay_id     bigint NOT NULL REFERENCES bays (id) ON DELETE CASCADE,
    service_id bigint NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    PRIMARY KEY (bay_id, service_id)
);
CREATE INDEX bay_services_service_idx ON bay_services (service_id);

-- ---------------------------------------------------------------------------
-- Calendar

-- Weekly opening hours in the site's local time, ISO weekday (1 = Monday,
-- 7 = Sunday). Several rows for one day are open periods with breaks between
-- them; a day without rows is closed. Periods of one day may not overlap.
CREATE TABLE opening_hours (
    weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens   time NOT NULL,
    closes  time NOT NULL,
    PRIMARY KEY (weekday, opens),
    CHECK (closes > opens),
    CONSTRAINT opening_hours_no_overlap
        EXCLUDE USING gist (weekday WITH =, timerange(opens, closes, '[)') WITH &&)
);

-- Whole days the site is closed (holidays), inclusive of both ends.
CREATE TABLE closures (
    id         bigserial PRIMARY KEY,
    starts_on  date NOT NULL,
    ends_on    date NOT NULL,
    reason     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on)
);
CREATE INDEX closures_range_idx ON closures USING gist (daterange(starts_on, ends_on, '[]'));

-- ---------------------------------------------------------------------------
-- People and vehicles

CREATE TABLE customers (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL CHECK (char_length(btrim(name)) BETWEEN 1 AND 100),
    phone        text CHECK (char_length(phone) <= 32),
    email        text CHECK (char_length(email) <= 254 AND email LIKE '%_@_%'),
    -- The phone's digits only, so "+1 555-0100" and "15550100" find each other.
    phone_digits text GENERATED ALWAYS AS (nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '')) STORED,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_phone_digits_idx ON customers (phone_digits);
CREATE INDEX customers_name_idx ON customers (lower(name) text_pattern_ops);
CREATE INDEX customers_email_idx ON customers (lower(email));

-- Plates are stored normalised by the application (upper case, no spaces or
-- dashes); the checks here only catch a writer that forgot. Letters of any
-- script are allowed (German, Cyrillic, Greek plates).
CREATE TABLE vehicles (
    id            bigserial PRIMARY KEY,
    customer_id   bigint NOT NULL REFERENCES customers (id),
    plate         text NOT NULL UNIQUE
                  CHECK (char_length(plate) BETWEEN 2 AND 10 AND plate = upper(plate)
                         AND plate !~ '[[:space:][:punct:]]'),
    vehicle_class text NOT NULL DEFAULT 'car' CHECK (vehicle_class IN ('car', 'suv', 'truck')),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vehicles_customer_idx ON vehicles (customer_id);

-- The PIN hash is self-describing, 'pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>'
-- (PinHash), so the salt travels with it and the iteration count can be
-- raised later without a schema change.
CREATE TABLE staff (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (char_length(btrim(name)) BETWEEN 1 AND 100),
    role            text NOT NULL CHECK (role IN ('staff', 'manager')),
    pin_hash        text NOT NULL CHECK (pin_hash LIKE 'pbkdf2-sha256$%'),
    failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    timestamptz,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Bookings
--
-- Times: starts_at..ends_at is what the customer is told (service plus add-on
-- minutes). blocked_until = ends_at + the cleanup buffer in force when the
-- booking was made: the bay is busy until then. Keeping both means changing
-- booking.buffer_minutes never rewrites old bookings, and receipts and the
-- day board show the real end.
--
-- Active statuses (a booking that occupies its bay): held, confirmed,
-- checked_in, in_progress. completed, cancelled, no_show and expired free the
-- bay (a wash finished early frees the rest of its slot for a walk-in).
--
-- Expired holds. A held booking carries hold_expires_at. An index predicate
-- cannot use now(), so a hold whose time has passed still has status 'held'
-- until someone flips it to 'expired'. Two rules make sure it never blocks:
--   1. The trigger bookings_release_expired_holds runs before any row becomes
--      active on a bay and time range (INSERT, or an UPDATE that activates,
--      moves or lengthens a booking). In the same transaction, it flips every
--      held booking on that bay whose hold_expires_at <= now() and whose range
--      overlaps the new one to 'expired' (logged in audit_log), before the
--      exclusion constraint is checked. The UPDATE row-locks those holds, so
--      two racing inserts serialise on them: the second re-reads the hold
--      (now 'expired'), skips it, and meets the first's booking in the
--      constraint (23P01). A payment confirming the hold at the same moment
--      either wins the row lock (the hold becomes 'confirmed' and the insert
--      gets 23P01) or finds status 'expired' and must not confirm it.
--   2. Readers (availability, day board) treat a row as blocking only when
--          status IN ('confirmed', 'checked_in', 'in_progress')
--          OR (status = 'held' AND hold_expires_at > now())
--      and write the overlap as
--          bay_id = ANY(?) AND status IN ('held','confirmed','checked_in','in_progress')
--          AND tstzrange(starts_at, blocked_until, '[)') && tstzrange(?, ?, '[)')
--      so the constraint's GiST index serves it.
-- Both use the transaction's now(), so a hold is expired for the writer
-- exactly when it is expired for the reader in that transaction.
CREATE TABLE bookings (
    id              bigserial PRIMARY KEY,
    -- Short confirmation code; unique among active bookings (index below).
    code            text NOT NULL CHECK (code ~ '^[0-9A-Z]{6}$'),
    status          text NOT NULL CHECK (status IN ('held', 'confirmed', 'checked_in', 'in_progress',
                                                    'completed', 'cancelled', 'no_show', 'expired')),
    bay_id          bigint NOT NULL REFERENCES bays (id),
    service_id      bigint NOT NULL REFERENCES services (id),
    vehicle_class   text NOT NULL CHECK (vehicle_class IN ('car', 'suv', 'truck')),
    customer_id     bigint NOT NULL REFERENCES customers (id),
    vehicle_id      bigint NOT NULL REFERENCES vehicles (id),
    -- The plate as booked: a vehicle's record may later change hands.
    plate           text NOT NULL
                    CHECK (char_length(plate) BETWEEN 2 AND 10 AND plate = upper(plate)
                           AND plate !~ '[[:space:][:punct:]]'),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    blocked_until   timestamptz NOT NULL,
    hold_expires_at timestamptz,
    -- Total charged: the service's price for the vehicle class plus add-ons,
    -- copied from the catalogue when booked.
    price_cents     bigint NOT NULL CHECK (price_cents >= 0),
    currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- A client's retry key; request_hash is a digest of the request it came
    -- with, so the same key with different details can be refused.
    idempotency_key text UNIQUE CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
    request_hash    text,
    -- Who made it, in audit_log's actor form ('staff:3', 'kiosk', 'cli').
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (starts_at < ends_at AND ends_at <= blocked_until),
    CHECK (status <> 'held' OR hold_expires_at IS NOT NULL),
    CHECK (idempotency_key IS NULL OR request_hash IS NOT NULL),
    -- No two active bookings of one bay overlap, however many desks and
    -- kiosks race: the database is the final arbiter (SQLSTATE 23P01).
    CONSTRAINT bookings_no_overlap
        EXCLUDE USING gist (bay_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&)
        WHERE (status IN ('held', 'confirmed', 'checked_in', 'in_progress'))
);

CREATE UNIQUE INDEX bookings_active_code_key ON bookings (code)
    WHERE status IN ('held', 'confirmed', 'checked_in', 'in_progress');
-- Codes of finished bookings (receipts, refunds) are looked up too.
CREATE INDEX bookings_code_idx ON bookings (code);
-- The day board: every bay's bookings of one day, in any status.
CREATE INDEX bookings_day_board_idx ON bookings (starts_at, bay_id);
-- One bay's calendar.
CREATE INDEX bookings_bay_starts_idx ON bookings (bay_id, starts_at);
-- Find by plate or customer, newest first (visit history).
CREATE INDEX bookings_plate_idx ON bookings (plate, starts_at DESC);
CREATE INDEX bookings_customer_idx ON bookings (customer_id, starts_at DESC);
-- A sweep that expires stale holds in bulk reads only the few held rows.
CREATE INDEX bookings_held_expiry_idx ON bookings (hold_expires_at) WHERE status = 'held';

CREATE TRIGGER bookings_updated_at BEFORE UPDATE ON bookings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Rule 1 of "Expired holds" above.
CREATE FUNCTION bookings_release_expired_holds() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    WITH expired AS (
        UPDATE bookings AS b
           SET status = 'expired'
         WHERE b.bay_id = NEW.bay_id
           AND b.status = 'held'
           AND b.hold_expires_at <= now()
           AND b.id <> NEW.id
           AND tstzrange(b.starts_at, b.blocked_until, '[)')
               && tstzrange(NEW.starts_at, NEW.blocked_until, '[)')
        RETURNING b.id, b.code, b.hold_expires_at
    )
    INSERT INTO audit_log (actor, action, entity, entity_id, details)
    SELECT 'system', 'booking.status', 'booking', e.id::text,
           jsonb_build_object('code', e.code, 'from', 'held', 'to', 'expired',
                              'reason', 'hold expired', 'hold_expires_at', e.hold_expires_at,
                              'released_for', NEW.id)
      FROM expired AS e;
    RETURN NEW;
END
$$;

CREATE TRIGGER bookings_release_expired_holds_on_insert BEFORE INSERT ON bookings
    FOR EACH ROW
    WHEN (NEW.status IN ('held', 'confirmed', 'checked_in', 'in_progress'))
    EXECUTE FUNCTION bookings_release_expired_holds();

-- Only updates that make a row newly occupy time on a bay: a status change
-- between active statuses (held -> confirmed) takes nothing new.
CREATE TRIGGER bookings_release_expired_holds_on_update BEFORE UPDATE ON bookings
    FOR EACH ROW
    WHEN (NEW.status IN ('held', 'confirmed', 'checked_in', 'in_progress')
          AND (OLD.status NOT IN ('held', 'confirmed', 'checked_in', 'in_progress')
               OR NEW.bay_id <> OLD.bay_id
               OR NEW.starts_at < OLD.starts_at
               OR NEW.blocked_until > OLD.blocked_until))
    EXECUTE FUNCTION bookings_release_expired_holds();

-- Add-ons as booked, with their price and minutes copied from the catalogue.
CREATE TABLE booking_addons (
    booking_id    bigint NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    addon_id      bigint NOT NULL REFERENCES addons (id),
    price_cents   bigint NOT NULL CHECK (price_cents >= 0),
    extra_minutes integer NOT NULL CHECK (extra_minutes >= 0),
    PRIMARY KEY (booking_id, addon_id)
);
CREATE INDEX booking_addons_addon_idx ON booking_addons (addon_id);

-- ---------------------------------------------------------------------------
-- Payments

CREATE TABLE payments (
    id                         bigserial PRIMARY KEY,
    booking_id                 bigint NOT NULL REFERENCES bookings (id),
    method                     text NOT NULL CHECK (method IN ('cash', 'card', 'stripe_checkout', 'terminal')),
    status                     text NOT NULL DEFAULT 'pending'
                               CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled', 'expired',
                                                 'refunded')),
    amount_cents               bigint NOT NULL CHECK (amount_cents >= 0),
    refunded_cents             bigint NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0),
    currency                   char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Stripe's side: the Checkout Session (its URL is the kiosk's QR code),
    -- the PaymentIntent behind it or behind a Terminal reader.
    stripe_checkout_session_id text UNIQUE,
    stripe_payment_intent_id   text UNIQUE,
    stripe_terminal_reader_id  text,
    checkout_url               text,
    -- The Idempotency-Key sent with the create call to Stripe.
    idempotency_key            text UNIQUE,
    failure_reason             text,
    created_by                 text NOT NULL,
    paid_at                    timestamptz,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    CHECK (refunded_cents <= amount_cents)
);
CREATE INDEX payments_booking_idx ON payments (booking_id);

CREATE TRIGGER payments_updated_at BEFORE UPDATE ON payments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Each Stripe event once, by its id: a redelivered event hits the primary key.
CREATE TABLE stripe_events (
    id               text PRIMARY KEY,
    type             text NOT NULL,
    payload          jsonb NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    processed_at     timestamptz,
    processing_error text
);
CREATE INDEX stripe_events_unprocessed_idx ON stripe_events (received_at) WHERE processed_at IS NULL;

-- ---------------------------------------------------------------------------
-- Audit: every change of note, with who did it. entity_id is text because
-- some entities have text keys (Stripe events, settings).
CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text NOT NULL,
    action    text NOT NULL,
    entity    text NOT NULL,
    entity_id text,
    details   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at);
CREATE INDEX audit_log_at_idx ON audit_log (at);
