// Events the fake Stripe signs and delivers are verified by Stripe's
// official library (stripe.webhooks.constructEvent), with one secret and
// with two during a rotation; a tampered body is refused; the fake's
// signature equals the library's own for the same payload, secret and
// time; retries and duplicates arrive as Stripe sends them. Run by CTest
// (npm_webhook_crosscheck):  node tests/npm/webhook-crosscheck.mjs

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { signatureHeader } from '../harness/fakestripe/webhooks.mjs';
import { client, control, loadStripe, startFake } from './support.mjs';

const Stripe = await loadStripe();
let fake;
let stripe;
let receiver;
let received = []; // [{body: Buffer, signature}]
let failFirst = new Set(); // event types answered 500 on their first delivery

before(async () => {
    fake = await startFake();
    stripe = client(Stripe, fake);
    receiver = http.createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
            const body = Buffer.concat(chunks);
            received.push({ body, signature: req.headers['stripe-signature'] });
            const status = failFirst.delete(JSON.parse(body).type) ? 500 : 200;
            res.writeHead(status, { 'Content-Type': 'text/plain' });
            res.end(status === 200 ? 'ok' : 'try again');
        });
    });
    await new Promise((done) => receiver.listen(0, '127.0.0.1', done));
});
after(async () => {
    receiver?.close();
    await fake?.stop();
});
beforeEach(async () => {
    await control(fake, 'POST', '/_fake/reset');
    received = [];
    failFirst = new Set();
});

const receiverUrl = () => `http://127.0.0.1:${receiver.address().port}/stripe/webhook`;

// Waits (bounded) until `count` deliveries arrived.
async function waitFor(count) {
    for (let i = 0; i < 200 && received.length < count; ++i) await sleep(25);
    assert.ok(received.length >= count, `expected ${count} deliveries, got ${received.length}`);
}

async function canceledIntent() {
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: 'eur', metadata: { payment_id: '11' } });
    await stripe.paymentIntents.cancel(pi.id);
    return pi;
}

test('the fake signs exactly as generateTestHeaderString does', () => {
    const payload = JSON.stringify({ id: 'evt_x', object: 'event', type: 'payment_intent.succeeded' }, null, 2);
    const t = 1767225600;
    assert.equal(signatureHeader(payload, ['whsec_test_one'], t),
        stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_test_one', timestamp: t }));
});

test('delivered events verify with constructEvent; a tampered body does not', async () => {
    const secret = 'whsec_carwashFirstSecret0001';
    await control(fake, 'POST', '/_fake/webhook', { url: receiverUrl(), secrets: [secret] });
    const pi = await canceledIntent();
    await waitFor(2);
    const events = received.map(({ body, signature }) => stripe.webhooks.constructEvent(body, signature, secret));
    assert.deepEqual(events.map((e) => e.type).sort(), ['payment_intent.canceled', 'payment_intent.created']);
    assert.ok(events.every((e) => e.object === 'event' && /^evt_[A-Za-z0-9]{24}$/.test(e.id) && e.data.object.id === pi.id));
    const canceled = events.find((e) => e.type === 'payment_intent.canceled');
    assert.equal(canceled.data.object.status, 'canceled');
    assert.equal(canceled.data.object.metadata.payment_id, '11');

    const { body, signature } = received[0];
    const tampered = Buffer.from(body.toString('utf8').replace('"livemode": false', '"livemode": true'));
    assert.notDeepEqual(tampered, body);
    assert.throws(() => stripe.webhooks.constructEvent(tampered, signature, secret), Stripe.errors.StripeSignatureVerificationError);
    assert.throws(() => stripe.webhooks.constructEvent(body, signature, 'whsec_someoneElse'), Stripe.errors.StripeSignatureVerificationError);
});

test('with two secrets configured, each delivery verifies with either', async () => {
    const secrets = ['whsec_carwashOldSecret0001', 'whsec_carwashNewSecret0002'];
    await control(fake, 'POST', '/_fake/webhook', { url: receiverUrl(), secrets });
    await canceledIntent();
    await waitFor(2);
    for (const { body, signature } of received) {
        assert.equal(signature.split(',').filter((p) => p.startsWith('v1=')).length, 2);
        for (const s of secrets) assert.equal(stripe.webhooks.constructEvent(body, signature, s).object, 'event');
        assert.throws(() => stripe.webhooks.constructEvent(body, signature, 'whsec_neither'),
            Stripe.errors.StripeSignatureVerificationError);
    }
});

test('a failed delivery is retried, signed again; duplicates and dropped types as configured', async () => {
    const secret = 'whsec_carwashRetrySecret0003';
    await control(fake, 'POST', '/_fake/webhook',
        { url: receiverUrl(), secrets: [secret], duplicateRate: 1, maxDelayMs: 50, drop: ['payment_intent.created'] });
    failFirst.add('payment_intent.canceled'); // the first copy to arrive gets a 500
    const pi = await stripe.paymentIntents.create({ amount: 700, currency: 'eur' });
    await stripe.paymentIntents.cancel(pi.id);
    const canceledId = (await control(fake, 'GET', '/_fake/events')).at(-1).id;
    await waitFor(3);
    const ids = received.map(({ body, signature }) => stripe.webhooks.constructEvent(body, signature, secret).id);
    assert.deepEqual(ids, [canceledId, canceledId, canceledId]);
    for (let i = 0; i < 100; ++i) {
        if ((await control(fake, 'GET', '/_fake/deliveries')).length >= 3) break;
        await sleep(20);
    }
    const deliveries = await control(fake, 'GET', '/_fake/deliveries');
    assert.deepEqual(deliveries.map((d) => [d.eventId, d.attempt, d.status]).sort(),
        [[canceledId, 1, 200], [canceledId, 1, 500], [canceledId, 2, 200]]);
    assert.deepEqual(new Set(deliveries.map((d) => d.copy)), new Set([1, 2]));
});
