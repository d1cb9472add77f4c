-- A payment keeps the tax it was charged with.
--
-- Until now the receipt and the booking screen worked the tax out of the
-- site's settings in force whenever they were shown, so a receipt reprinted
-- after the rate (or billing.prices_include_tax) changed showed figures the
-- customer never paid. From here on every payment row carries the charge it
-- was taken against, as it stood then: the booking's price with the tax rate
-- (basis points, exact: 8.25 % = 825), whether prices included the tax, and
-- the net, tax and gross (what the customer owes in all) in cents of the
-- row's currency. The booking's latest succeeded payment is what receipts and
-- the booking screen show; only a booking with nothing paid yet is priced
-- with the settings in force (PaymentRepo).
ALTER TABLE payments
    ADD COLUMN tax_rate_basis_points integer CHECK (tax_rate_basis_points BETWEEN 0 AND 10000),
    ADD COLUMN prices_include_tax    boolean,
    ADD COLUMN net_cents             bigint CHECK (net_cents >= 0),
    ADD COLUMN tax_cents             bigint CHECK (tax_cents >= 0),
    ADD COLUMN gross_cents           bigint CHECK (gross_cents >= 0),
    ADD CONSTRAINT payments_tax_adds_up CHECK (net_cents + tax_cents = gross_cents);

-- Payments taken before this migration: what they were charged with was
-- never written down. The honest best guess is the settings in force now,
-- which is exactly what the receipt showed for them until today; if the rate
-- changed between a payment and this upgrade, its reprinted receipt keeps the
-- figures it already showed, not the ones printed at the time (the
-- 'payment.cash' rows of audit_log keep the amounts actually taken). The
-- values are read the way the application reads them (SiteSettings): a
-- missing or malformed value counts as its default (0 %, prices include
-- tax), and the tax is rounded half up to the cent like TaxAmounts::compute.
-- The trigger is off meanwhile so updated_at keeps saying when the payment
-- itself last changed, not when the schema did.
ALTER TABLE payments DISABLE TRIGGER payments_updated_at;

WITH settings AS (
    -- CASE, not AND: only a value of the right shape is ever cast.
    SELECT coalesce((SELECT CASE WHEN btrim(value) ~ '^[0-9]{1,3}([.,][0-9]{1,2})?$'
                                 THEN CASE WHEN replace(btrim(value), ',', '.')::numeric <= 100
                                           THEN round(replace(btrim(value), ',', '.')::numeric * 100)::integer
                                      END
                            END
                       FROM site_settings
                      WHERE key = 'billing.tax_rate_percent'), 0) AS rate,
           coalesce((SELECT lower(btrim(value)) <> 'false'
                       FROM site_settings
                      WHERE key = 'billing.prices_include_tax'
                        AND lower(btrim(value)) IN ('true', 'false')), true) AS inclusive
),
charged AS (
    SELECT p.id, s.rate, s.inclusive,
           CASE WHEN s.inclusive
                THEN (2 * b.price_cents * s.rate + 10000 + s.rate) / (2 * (10000 + s.rate))
                ELSE (2 * b.price_cents * s.rate + 10000) / 20000
           END AS tax,
           b.price_cents AS price
      FROM payments AS p
      JOIN bookings AS b ON b.id = p.booking_id
     CROSS JOIN settings AS s
)
UPDATE payments AS p
   SET tax_rate_basis_points = c.rate,
       prices_include_tax = c.inclusive,
       tax_cents = c.tax,
       net_cents = CASE WHEN c.inclusive THEN c.price - c.tax ELSE c.price END,
       gross_cents = CASE WHEN c.inclusive THEN c.price ELSE c.price + c.tax END
  FROM charged AS c
 WHERE p.id = c.id;

ALTER TABLE payments ENABLE TRIGGER payments_updated_at;

-- Said once in the audit log, so whoever reconciles old receipts knows which
-- figures were filled in and from what.
INSERT INTO audit_log (actor, action, entity, details)
SELECT 'system', 'payment.tax_filled_in', 'payments',
       jsonb_build_object('payments', count(*),
                          'reason', 'charged tax not recorded before migration 0004, '
                                    'filled in from the tax settings in force at the upgrade',
                          'tax_rate_basis_points', min(tax_rate_basis_points),
                          'prices_include_tax', bool_and(prices_include_tax))
  FROM payments
HAVING count(*) > 0;

-- Every writer must say what it charged from now on.
ALTER TABLE payments
    ALTER COLUMN tax_rate_basis_points SET NOT NULL,
    ALTER COLUMN prices_include_tax SET NOT NULL,
    ALTER COLUMN net_cents SET NOT NULL,
    ALTER COLUMN tax_cents SET NOT NULL,
    ALTER COLUMN gross_cents SET NOT NULL;

-- ---------------------------------------------------------------------------
-- Indexes for foreign keys that had none. Deleting (or key-updating) a
-- referenced row makes PostgreSQL look for referencing rows, and without an
-- index on the referencing column that is a scan of the whole table, under
-- lock, on every delete; the same columns serve lookups. Of the foreign keys
-- in 0001-0003 every other one leads an index already (service_prices,
-- service_addons, bay_services and booking_addons by their primary keys;
-- vehicles.customer_id, bookings.bay_id, bookings.customer_id,
-- booking_addons.addon_id, payments.booking_id by their own). Plain CREATE
-- INDEX: migrations run in a transaction, which CONCURRENTLY cannot; it
-- holds off writes to bookings while it builds, a moment at a car wash's
-- size.

-- A vehicle's bookings (its visit history), and the check behind deleting a
-- vehicle.
CREATE INDEX bookings_vehicle_idx ON bookings (vehicle_id);
-- How many bookings refer to a service: the catalogue lists it for every
-- service, removing a service decides between deleting and deactivating by
-- it, and deleting the service runs the foreign key's check.
CREATE INDEX bookings_service_idx ON bookings (service_id);
