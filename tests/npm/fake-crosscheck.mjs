// Stripe's official Node library against our fake Stripe: if the library
// can drive every flow the product uses, gets the objects it expects and
// raises its own error classes for the fake's errors, the fake speaks
// Stripe's wire format. Run by CTest (npm_fake_crosscheck):
//   node tests/npm/fake-crosscheck.mjs

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { client, control, loadStripe, startFake } from './support.mjs';

const Stripe = await loadStripe();
let fake;
let stripe;

before(async () => {
    fake = await startFake();
    stripe = client(Stripe, fake);
});
after(async () => fake && fake.stop());

const inMinutes = (m) => Math.floor(Date.now() / 1000) + m * 60;

function sessionParams(extra = {}) {
    return {
        mode: 'payment',
        line_items: [
            { price_data: { currency: 'eur', unit_amount: 1990, product_data: { name: 'Premium wash' } }, quantity: 1 },
            { price_data: { currency: 'eur', unit_amount: 378, product_data: { name: 'VAT 19%' } }, quantity: 1 },
        ],
        success_url: 'https://wash.example/paid?session={CHECKOUT_SESSION_ID}',
        cancel_url: 'https://wash.example/cancelled',
        client_reference_id: 'BK-7Q2X',
        metadata: { booking_id: '42', payment_id: '7' },
        payment_intent_data: { metadata: { booking_id: '42', payment_id: '7' } },
        locale: 'de',
        expires_at: inMinutes(35),
        ...extra,
    };
}

async function rejects(promise, Type, check = () => {}) {
    await assert.rejects(promise, (e) => {
        assert.ok(e instanceof Type, `expected ${Type.name}, got ${e.constructor.name}: ${e.message}`);
        check(e);
        return true;
    });
}

test('a Checkout session is created, retrieved, paid at the fake and its intent has the charge', async () => {
    const s = await stripe.checkout.sessions.create(sessionParams());
    assert.match(s.id, /^cs_test_a1[A-Za-z0-9]{56}$/);
    assert.equal(s.object, 'checkout.session');
    assert.equal(s.status, 'open');
    assert.equal(s.payment_status, 'unpaid');
    assert.equal(s.amount_total, 2368);
    assert.equal(s.currency, 'eur');
    assert.equal(s.client_reference_id, 'BK-7Q2X');
    assert.deepEqual(s.metadata, { booking_id: '42', payment_id: '7' });
    assert.equal(s.url, `http://127.0.0.1:${fake.port}/pay/${s.id}`);
    assert.match(s.payment_intent, /^pi_[A-Za-z0-9]{24}$/);
    assert.equal(s.lastResponse.statusCode, 200);
    assert.match(s.lastResponse.requestId, /^req_/);

    const again = await stripe.checkout.sessions.retrieve(s.id, { expand: ['line_items'] });
    assert.equal(again.id, s.id);
    assert.deepEqual(again.line_items.data.map((li) => [li.description, li.amount_total, li.quantity]),
        [['Premium wash', 1990, 1], ['VAT 19%', 378, 1]]);

    await control(fake, 'POST', `/_fake/checkout_sessions/${s.id}/pay`, { outcome: 'paid' });
    const paid = await stripe.checkout.sessions.retrieve(s.id);
    assert.equal(paid.status, 'complete');
    assert.equal(paid.payment_status, 'paid');
    const pi = await stripe.paymentIntents.retrieve(s.payment_intent);
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount, 2368);
    assert.equal(pi.amount_received, 2368);
    assert.deepEqual(pi.metadata, { booking_id: '42', payment_id: '7' });
    assert.equal(pi.charges.object, 'list');
    assert.match(pi.charges.data[0].id, /^ch_/);
    assert.equal(pi.charges.data[0].amount_captured, 2368);

    const types = (await control(fake, 'GET', '/_fake/events')).filter((e) => e.data.object.id === s.id).map((e) => e.type);
    assert.deepEqual(types, ['checkout.session.completed']);
});

test('an expired session stays expired, a second expire is refused, its intent is canceled', async () => {
    const s = await stripe.checkout.sessions.create(sessionParams());
    const expired = await stripe.checkout.sessions.expire(s.id);
    assert.equal(expired.status, 'expired');
    assert.equal(expired.url, null);
    await rejects(stripe.checkout.sessions.expire(s.id), Stripe.errors.StripeInvalidRequestError, (e) => {
        assert.equal(e.statusCode, 400);
        assert.equal(e.code, 'checkout_session_not_open');
    });
    assert.equal((await stripe.paymentIntents.retrieve(s.payment_intent)).status, 'canceled');
    await rejects(stripe.checkout.sessions.retrieve('cs_test_nosuchsession'), Stripe.errors.StripeInvalidRequestError,
        (e) => assert.equal(e.code, 'resource_missing'));
});

test('expires_at under 30 minutes or over 24 hours ahead is refused with param expires_at', async () => {
    for (const at of [inMinutes(29), inMinutes(24 * 60 + 5)]) {
        await rejects(stripe.checkout.sessions.create(sessionParams({ expires_at: at })),
            Stripe.errors.StripeInvalidRequestError, (e) => {
                assert.equal(e.statusCode, 400);
                assert.equal(e.param, 'expires_at');
            });
    }
    const s = await stripe.checkout.sessions.create(sessionParams({ expires_at: inMinutes(31) }));
    assert.equal(s.expires_at, sessionParams({ expires_at: inMinutes(31) }).expires_at);
});

test('a PaymentIntent is created, retrieved and canceled once', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 2500, currency: 'eur', payment_method_types: ['card_present'],
        capture_method: 'automatic', metadata: { payment_id: '9' } });
    assert.match(pi.id, /^pi_[A-Za-z0-9]{24}$/);
    assert.equal(pi.status, 'requires_payment_method');
    assert.deepEqual(pi.payment_method_types, ['card_present']);
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).metadata.payment_id, '9');
    const canceled = await stripe.paymentIntents.cancel(pi.id);
    assert.equal(canceled.status, 'canceled');
    await rejects(stripe.paymentIntents.cancel(pi.id), Stripe.errors.StripeInvalidRequestError,
        (e) => assert.equal(e.code, 'payment_intent_unexpected_state'));
});

test('a reader shows the cart, declines a card, cancels, then approves', async () => {
    const reader = await stripe.terminal.readers.create({ registration_code: 'simulated-wpe', label: 'Kiosk 1' });
    assert.match(reader.id, /^tmr_/);
    assert.equal(reader.object, 'terminal.reader');
    const shown = await stripe.terminal.readers.setReaderDisplay(reader.id, { type: 'cart', cart: {
        line_items: [{ description: 'Premium wash', amount: 1990, quantity: 1 }], total: 2368, currency: 'eur', tax: 378 } });
    assert.equal(shown.action.type, 'set_reader_display');
    assert.equal(shown.action.set_reader_display.cart.total, 2368);

    const pi = await stripe.paymentIntents.create({ amount: 2368, currency: 'eur', payment_method_types: ['card_present'] });
    let r = await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
    assert.deepEqual([r.action.type, r.action.status], ['process_payment_intent', 'in_progress']);
    await rejects(stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id }),
        Stripe.errors.StripeInvalidRequestError, (e) => assert.equal(e.code, 'terminal_reader_busy'));

    r = await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { card_present: { number: '4000000000000002' } });
    assert.deepEqual([r.action.status, r.action.failure_code], ['failed', 'card_declined']);
    let intent = await stripe.paymentIntents.retrieve(pi.id);
    assert.equal(intent.status, 'requires_payment_method');
    assert.equal(intent.last_payment_error.code, 'card_declined');
    assert.equal(intent.charges.data[0].status, 'failed');

    await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
    r = await stripe.terminal.readers.cancelAction(reader.id);
    assert.equal(r.action, null);
    assert.equal((await stripe.terminal.readers.retrieve(reader.id)).action, null);

    await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
    r = await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { card_present: { number: '4242424242424242' } });
    assert.equal(r.action.status, 'succeeded');
    intent = await stripe.paymentIntents.retrieve(pi.id);
    assert.equal(intent.status, 'succeeded');
    assert.equal(intent.amount_received, 2368);
    assert.equal(intent.charges.data[0].payment_method_details.type, 'card_present');
    assert.equal(intent.charges.total_count, 2);

    const types = (await control(fake, 'GET', '/_fake/events'))
        .filter((e) => [pi.id, reader.id].includes(e.data.object.id)).map((e) => e.type);
    assert.deepEqual(types, ['payment_intent.created', 'payment_intent.payment_failed', 'terminal.reader.action_failed',
        'payment_intent.succeeded', 'terminal.reader.action_succeeded']);
});

test('an asynchronous method completes the session unpaid, then succeeds or fails', async () => {
    for (const [outcome, status, last, intentStatus] of [
        ['async_succeeded', 'paid', 'checkout.session.async_payment_succeeded', 'succeeded'],
        ['async_failed', 'unpaid', 'checkout.session.async_payment_failed', 'requires_payment_method'],
    ]) {
        const s = await stripe.checkout.sessions.create(sessionParams());
        await control(fake, 'POST', `/_fake/checkout_sessions/${s.id}/pay`, { outcome });
        const done = await stripe.checkout.sessions.retrieve(s.id);
        assert.deepEqual([done.status, done.payment_status], ['complete', status]);
        assert.equal((await stripe.paymentIntents.retrieve(s.payment_intent)).status, intentStatus);
        const events = (await control(fake, 'GET', '/_fake/events')).filter((e) => e.data.object.id === s.id);
        assert.deepEqual(events.map((e) => [e.type, e.data.object.payment_status]),
            [['checkout.session.completed', 'unpaid'], [last, status]]);
    }
});

test('a manually captured reader payment waits for its capture', async () => {
    const reader = await stripe.terminal.readers.create({ registration_code: 'simulated-wpe', label: 'Desk 2' });
    const pi = await stripe.paymentIntents.create({ amount: 3000, currency: 'eur', payment_method_types: ['card_present'],
        capture_method: 'manual' });
    await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
    await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id);
    const held = await stripe.paymentIntents.retrieve(pi.id);
    assert.deepEqual([held.status, held.amount_capturable, held.amount_received], ['requires_capture', 3000, 0]);
    const captured = await stripe.paymentIntents.capture(pi.id);
    assert.deepEqual([captured.status, captured.amount_received, captured.charges.data[0].captured], ['succeeded', 3000, true]);
});

async function paidSession() {
    const s = await stripe.checkout.sessions.create(sessionParams());
    await control(fake, 'POST', `/_fake/checkout_sessions/${s.id}/pay`, { outcome: 'paid' });
    return s;
}

test('a partial refund and then the rest; nothing is left to refund after', async () => {
    const s = await paidSession();
    const part = await stripe.refunds.create({ payment_intent: s.payment_intent, amount: 500, reason: 'requested_by_customer',
        metadata: { refund_id: '3' } });
    assert.match(part.id, /^re_/);
    assert.deepEqual([part.amount, part.status, part.payment_intent, part.metadata.refund_id], [500, 'succeeded', s.payment_intent, '3']);
    assert.equal((await stripe.refunds.retrieve(part.id)).amount, 500);
    const rest = await stripe.refunds.create({ payment_intent: s.payment_intent });
    assert.equal(rest.amount, 2368 - 500);
    const charge = (await stripe.paymentIntents.retrieve(s.payment_intent)).charges.data[0];
    assert.deepEqual([charge.amount_refunded, charge.refunded, charge.refunds.data.length], [2368, true, 2]);
    await rejects(stripe.refunds.create({ payment_intent: s.payment_intent }), Stripe.errors.StripeInvalidRequestError,
        (e) => assert.equal(e.code, 'charge_already_refunded'));
    const refunded = (await control(fake, 'GET', '/_fake/events'))
        .filter((e) => e.type === 'charge.refunded' && e.data.object.id === charge.id).map((e) => e.data.object.amount_refunded);
    assert.deepEqual(refunded, [500, 2368]);
});

test('a too large refund is refused with param amount', async () => {
    const s = await paidSession();
    await rejects(stripe.refunds.create({ payment_intent: s.payment_intent, amount: 2369 }), Stripe.errors.StripeInvalidRequestError,
        (e) => assert.equal(e.param, 'amount'));
});

test('the same Idempotency-Key replays the first answer; other parameters are an idempotency error', async () => {
    const key = `pay-7-reader-${Date.now()}`;
    const params = { amount: 1200, currency: 'eur', payment_method_types: ['card_present'] };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: key });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: key });
    assert.equal(second.id, first.id);
    assert.equal(second.lastResponse.headers['idempotent-replayed'], 'true');
    await rejects(stripe.paymentIntents.create({ ...params, amount: 1300 }, { idempotencyKey: key }),
        Stripe.errors.StripeIdempotencyError, (e) => assert.equal(e.type, 'StripeIdempotencyError'));
    // Keys belong to an API key: another account's same key is a new request.
    const other = new Stripe('sk_test_anotherAccount000000000000', { host: '127.0.0.1', port: fake.port, protocol: 'http' });
    assert.notEqual((await other.paymentIntents.create(params, { idempotencyKey: key })).id, first.id);
});

test('the library retries injected 500s and retry-asking 429s, not a 429 that says no', async () => {
    const retrying = client(Stripe, fake, { maxNetworkRetries: 3 });
    await control(fake, 'POST', '/_fake/reset');
    await control(fake, 'POST', '/_fake/faults', { match: '^POST /v1/payment_intents$', kind: '500', times: 2 });
    const pi = await retrying.paymentIntents.create({ amount: 900, currency: 'eur' });
    let log = (await control(fake, 'GET', '/_fake/requests')).filter((r) => r.path === '/v1/payment_intents');
    assert.deepEqual(log.map((r) => r.status), [500, 500, 200]);
    assert.equal(new Set(log.map((r) => r.headers['idempotency-key'])).size, 1);
    assert.match(pi.id, /^pi_/);

    await control(fake, 'POST', '/_fake/reset');
    await control(fake, 'POST', '/_fake/faults', { match: '^GET /v1/payment_intents/', kind: '429', times: 1 });
    assert.equal((await retrying.paymentIntents.retrieve(pi.id)).id, pi.id);

    await control(fake, 'POST', '/_fake/faults', { match: '^GET /v1/payment_intents/', kind: '429_no_retry', times: 1 });
    await rejects(retrying.paymentIntents.retrieve(pi.id), Stripe.errors.StripeRateLimitError);
    log = (await control(fake, 'GET', '/_fake/requests')).map((r) => r.status);
    assert.deepEqual(log, [429, 200, 429]);
});

test('a create whose answer was lost is retried with its key and made once', async () => {
    const retrying = client(Stripe, fake, { maxNetworkRetries: 2 });
    await control(fake, 'POST', '/_fake/reset');
    await control(fake, 'POST', '/_fake/faults', { match: '^POST /v1/checkout/sessions$', kind: 'reset_after', times: 1 });
    const s = await retrying.checkout.sessions.create(sessionParams());
    const log = await control(fake, 'GET', '/_fake/requests');
    assert.deepEqual(log.map((r) => [r.status, r.replayed === true]), [[0, false], [200, true]]);
    assert.equal(s.lastResponse.headers['idempotent-replayed'], 'true');
    const created = (await control(fake, 'GET', '/_fake/events'))
        .filter((e) => e.type === 'payment_intent.created' && e.data.object.id === s.payment_intent);
    assert.equal(created.length, 1);
});

test('a request without a valid secret key is an authentication error', async () => {
    const bad = new Stripe('rk_live_wrong', { host: '127.0.0.1', port: fake.port, protocol: 'http' });
    await rejects(bad.paymentIntents.retrieve('pi_x'), Stripe.errors.StripeAuthenticationError,
        (e) => assert.equal(e.statusCode, 401));
});
