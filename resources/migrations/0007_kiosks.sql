-- The self-service kiosks: who they are, what they offer, and their calls
-- for an attendant.
--
-- A kiosk is named by --kiosk-name or after its host. Its row is made with
-- the defaults the first time it starts (KioskRepo::ensure) and changed by a
-- manager (carwash-admin kiosk set). Its card reader is not kept here:
-- card_readers assigns readers to devices (assigned_kind 'kiosk',
-- assigned_to = the kiosk's name), one truth for desks and kiosks.
CREATE TABLE kiosks (
    name       text PRIMARY KEY
               CHECK (name = btrim(name) AND char_length(name) BETWEEN 1 AND 64),
    -- The language it greets customers in ('en', 'es', 'de'); a customer
    -- may switch for their own visit.
    language   text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es', 'de')),
    -- How a customer may pay, in the order offered: the kiosk's reader, a
    -- Checkout link on their phone, at the desk.
    methods    text[] NOT NULL DEFAULT '{reader,phone}'
               CHECK (cardinality(methods) BETWEEN 1 AND 3
                      AND methods <@ ARRAY['reader', 'phone', 'desk']::text[]
                      AND array_position(methods, NULL) IS NULL),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- audit_log's actor form: 'kiosk:Entrance' for the row a kiosk made
    -- itself, 'staff:3' or 'cli' after a change.
    updated_by text NOT NULL CHECK (updated_by <> '')
);
CREATE TRIGGER kiosks_updated_at BEFORE UPDATE ON kiosks
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A kiosk's holds are created with its actor ('kiosk:<name>' in created_by);
-- after a crash the kiosk finds the live ones it left behind to release.
CREATE INDEX bookings_held_by_creator_idx ON bookings (created_by) WHERE status = 'held';

-- "Call attendant" from a kiosk: the desks LISTEN on attendant_calls (the
-- payload is the call's id), show an alert until someone answers "I'm
-- going", and read the open ones when a desk signs in.
CREATE TABLE attendant_calls (
    id              bigserial PRIMARY KEY,
    kiosk           text NOT NULL REFERENCES kiosks (name) ON DELETE CASCADE,
    -- What the kiosk's screen showed, in the desk's words ("Pay: waiting
    -- for the card reader").
    screen          text NOT NULL DEFAULT '' CHECK (char_length(screen) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz,
    acknowledged_by text CHECK (acknowledged_by <> ''),
    CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
);
CREATE INDEX attendant_calls_open_idx ON attendant_calls (created_at) WHERE acknowledged_at IS NULL;
-- A kiosk's calls (and the foreign key's checks).
CREATE INDEX attendant_calls_kiosk_idx ON attendant_calls (kiosk);

-- A process's own name beside its program, for processes a program runs
-- several of: a kiosk's name. NULL for the others.
ALTER TABLE process_health
    ADD COLUMN label text CHECK (label <> '' AND char_length(label) <= 64);
