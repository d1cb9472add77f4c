-- Cash at the desk: what the customer handed over, so the receipt can print
-- the change the cashier gave back (amount_cents stays what was charged).
-- Only cash carries it.
ALTER TABLE payments
    ADD COLUMN tendered_cents bigint,
    ADD CONSTRAINT payments_tendered_cash_only
        CHECK (tendered_cents IS NULL OR (method = 'cash' AND tendered_cents >= amount_cents));
