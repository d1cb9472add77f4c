#!/usr/bin/env node
// A fake Stripe for tests: the wire format of shared/stripe (form-encoded
// requests, JSON answers, Bearer sk_test_ keys, Idempotency-Key replay,
// Stripe's error bodies) for the endpoints CarWash Desk calls, events
// signed and delivered as Stripe delivers them, and a control API under
// /_fake for tests (pay a session, inject faults, read what happened).
// The contract: prompts' fakecontract; cross-checked against the official
// `stripe` package by tests/npm/*-crosscheck.mjs. Node built-ins only.
//
//   node fake-stripe.mjs [--port 0] [--seed N]
// prints `FAKE_STRIPE_LISTENING <port>` once it listens on 127.0.0.1;
// ends on SIGTERM or SIGINT.

import http from 'node:http';
import { createHash, randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';

import { createSession, expireSession, paySession, sessionLineItems } from './checkout.mjs';
import { FormError, parseForm } from './form.mjs';
import { cancelIntentCall, captureIntent, createIntent, createRefund } from './payments.mjs';
import { ApiError, State, invalid } from './state.mjs';
import { cancelAction, presentPaymentMethod, processPaymentIntent, registerReader, setReaderDisplay } from './terminal.mjs';
import { Deliverer } from './webhooks.mjs';

const { values: args } = parseArgs({ options: { port: { type: 'string', default: '0' }, seed: { type: 'string' } } });
const seed = args.seed === undefined ? randomInt(2 ** 31) : Number(args.seed);

let deliverer;
const state = new State(seed, (event) => deliverer.enqueue(event));
deliverer = new Deliverer(state.random);

const retrieve = (object, param) => (ctx, p, [id]) => ctx.state.get(id, object, param);

// [method, path pattern, handler(ctx, params, pathArgs)]
const routes = [
    ['POST', /^\/v1\/checkout\/sessions$/, createSession],
    ['GET', /^\/v1\/checkout\/sessions\/([^/]+)$/, retrieve('checkout.session', 'session')],
    ['POST', /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, expireSession],
    ['POST', /^\/v1\/payment_intents$/, createIntent],
    ['GET', /^\/v1\/payment_intents\/([^/]+)$/, retrieve('payment_intent', 'intent')],
    ['POST', /^\/v1\/payment_intents\/([^/]+)\/cancel$/, cancelIntentCall],
    ['POST', /^\/v1\/payment_intents\/([^/]+)\/capture$/, captureIntent],
    ['POST', /^\/v1\/refunds$/, createRefund],
    ['GET', /^\/v1\/refunds\/([^/]+)$/, retrieve('refund', 'refund')],
    ['GET', /^\/v1\/charges\/([^/]+)$/, retrieve('charge', 'charge')],
    ['POST', /^\/v1\/terminal\/readers$/, registerReader],
    ['GET', /^\/v1\/terminal\/readers\/([^/]+)$/, retrieve('terminal.reader', 'reader')],
    ['POST', /^\/v1\/terminal\/readers\/([^/]+)\/process_payment_intent$/, processPaymentIntent],
    ['POST', /^\/v1\/terminal\/readers\/([^/]+)\/cancel_action$/, cancelAction],
    ['POST', /^\/v1\/terminal\/readers\/([^/]+)\/set_reader_display$/, setReaderDisplay],
    ['POST', /^\/v1\/test_helpers\/terminal\/readers\/([^/]+)\/present_payment_method$/, presentPaymentMethod],
];

const requests = []; // the request log of /_fake/requests
let faults = []; // [{re, kind, times}]
const idempotent = new Map(); // "<api key> <idempotency key>" -> {fingerprint, status, body}
let port = 0;

// expand[]: ids of stored objects at the top level become the objects;
// a session's line_items are listed.
function expand(obj, paths) {
    if (!Array.isArray(paths) || paths.length === 0) return obj;
    const out = structuredClone(obj);
    for (const path of paths) {
        if (path === 'line_items' && obj.object === 'checkout.session') {
            out.line_items = sessionLineItems(obj);
        } else if (typeof out[path] === 'string' && state.objects.has(out[path])) {
            out[path] = structuredClone(state.objects.get(out[path]));
        } else if (!(path in out)) {
            throw invalid(`This property cannot be expanded (${path}).`, 'expand');
        }
    }
    return out;
}

function send(res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
}

function fault(kind) {
    if (kind === '500') {
        return { status: 500, headers: {}, body: { error: { type: 'api_error',
            message: 'An unknown error occurred while processing your request (injected by the fake).' } } };
    }
    // Stripe asks for a retry of its 429s (lock timeouts, rate limits) with
    // Stripe-Should-Retry: true; the _no_retry kind says false.
    return { status: 429, headers: { 'Stripe-Should-Retry': kind === '429' ? 'true' : 'false' }, body: { error: {
        type: 'invalid_request_error', code: 'rate_limit',
        message: 'Too many requests hit the API too quickly (injected by the fake).' } } };
}

function takeFault(line) {
    const f = faults.find((x) => x.re.test(line));
    if (!f) return null;
    if (--f.times <= 0) faults = faults.filter((x) => x !== f);
    return f.kind;
}

// /v1: Stripe's API.
function api(req, res, path, raw, entry) {
    const requestId = state.id('req');
    const headers = { 'Request-Id': requestId, 'Stripe-Version': req.headers['stripe-version'] ?? '2020-08-27' };
    const answer = (status, body, extra = {}) => {
        entry.status = status;
        send(res, status, body, { ...headers, ...extra });
    };
    const kind = takeFault(`${req.method} ${path}`);
    if (kind) entry.fault = kind;
    if (kind === 'hang') {
        entry.status = 0;
        return; // never answered; the client has to give up
    }
    if (kind === 'reset') {
        entry.status = 0;
        req.socket.destroy();
        return;
    }
    if (kind === '500' || kind === '429' || kind === '429_no_retry') {
        const f = fault(kind);
        return answer(f.status, f.body, f.headers);
    }

    const auth = /^Bearer (sk_test_\S+)$/.exec(req.headers.authorization ?? '');
    if (!auth) {
        return answer(401, { error: { type: 'authentication_error',
            message: 'Invalid API Key provided. Pass a secret key starting with sk_test_ as "Authorization: Bearer sk_test_...".' } },
        { 'WWW-Authenticate': 'Bearer realm="Stripe"' });
    }
    const route = routes.find(([m, re]) => m === req.method && re.test(path));
    if (!route) {
        return answer(404, { error: { type: 'invalid_request_error',
            message: `Unrecognized request URL (${req.method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.` } });
    }
    const [, re, handler] = route;
    let form;
    try {
        form = parseForm(req.method === 'GET' ? new URL(req.url, 'http://x').search.slice(1) : raw);
    } catch (e) {
        if (!(e instanceof FormError)) throw e;
        return answer(400, { error: { type: 'invalid_request_error', message: e.message, param: e.param } });
    }
    entry.form = form.flat;

    // Idempotency: per API key; same key and same request replays the first
    // answer, other parameters or another endpoint are an idempotency_error.
    const key = req.method === 'POST' ? req.headers['idempotency-key'] : undefined;
    let slot = null;
    if (key !== undefined) {
        headers['Idempotency-Key'] = key;
        if (key.length > 255) {
            return answer(400, { error: { type: 'invalid_request_error', param: 'Idempotency-Key',
                message: 'The Idempotency-Key header must be 255 characters or less.' } });
        }
        const fingerprint = createHash('sha256').update(`${req.method} ${path}\n`)
            .update(JSON.stringify(Object.entries(form.flat).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))).digest('hex');
        slot = `${auth[1]} ${key}`;
        const seen = idempotent.get(slot);
        if (seen) {
            if (seen.fingerprint !== fingerprint) {
                return answer(400, { error: { type: 'idempotency_error',
                    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. ` +
                        `Try using a key other than '${key}' if you meant to execute a different request.` } });
            }
            entry.replayed = true;
            return answer(seen.status, seen.body, { 'Idempotent-Replayed': 'true', 'Original-Request': seen.requestId });
        }
        slot = { slot, fingerprint };
    }

    const ctx = { state, port, request: { id: requestId, idempotency_key: key ?? null } };
    let status;
    let body;
    let stored = true;
    try {
        const obj = handler(ctx, form.nested, re.exec(path).slice(1).map(decodeURIComponent));
        status = 200;
        body = JSON.stringify(expand(obj, form.nested.expand), null, 2);
    } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        status = e.status;
        body = JSON.stringify(e.body(), null, 2);
        stored = e.stored;
        Object.assign(headers, e.headers);
    }
    if (slot && stored) {
        idempotent.set(slot.slot, { fingerprint: slot.fingerprint, status, body, requestId });
    }
    if (kind === 'reset_after') {
        // Executed, but the answer is lost on the way: only a retry with the
        // same Idempotency-Key gets it.
        entry.status = 0;
        req.socket.destroy();
        return;
    }
    answer(status, body);
}

// /_fake: the control API for tests.
const validKinds = ['500', '429', '429_no_retry', 'hang', 'reset', 'reset_after'];

function control(req, res, path, raw) {
    let body = {};
    if (req.method === 'POST' && raw !== '') {
        try {
            body = JSON.parse(raw);
        } catch {
            return send(res, 400, { error: 'the body is not JSON' });
        }
    }
    let m;
    if (req.method === 'POST' && path === '/_fake/webhook') {
        const error = deliverer.configure(body);
        return error ? send(res, 400, { error }) : send(res, 200, deliverer.config);
    }
    if (req.method === 'POST' && (m = /^\/_fake\/checkout_sessions\/([^/]+)\/pay$/.exec(path))) {
        try {
            return send(res, 200, paySession(state, decodeURIComponent(m[1]), body.outcome ?? 'paid'));
        } catch (e) {
            if (!(e instanceof ApiError)) throw e;
            return send(res, e.status, { error: e.fields.message });
        }
    }
    if (req.method === 'POST' && path === '/_fake/faults') {
        let re;
        try {
            re = new RegExp(body.match);
        } catch {
            return send(res, 400, { error: `match: not a regular expression: ${body.match}` });
        }
        if (typeof body.match !== 'string') return send(res, 400, { error: 'match: a string is expected' });
        if (!validKinds.includes(body.kind)) return send(res, 400, { error: `kind: one of ${validKinds.join(', ')}` });
        const times = body.times ?? 1;
        if (!Number.isInteger(times) || times < 1) return send(res, 400, { error: 'times: a whole number >= 1 is expected' });
        faults.push({ re, kind: body.kind, times });
        return send(res, 200, { match: body.match, kind: body.kind, times });
    }
    if (req.method === 'GET' && path === '/_fake/requests') return send(res, 200, requests);
    if (req.method === 'GET' && path === '/_fake/events') return send(res, 200, state.events);
    if (req.method === 'GET' && path === '/_fake/deliveries') return send(res, 200, deliverer.deliveries);
    if (req.method === 'POST' && path === '/_fake/reset') {
        requests.length = 0;
        faults = [];
        deliverer.reset();
        return send(res, 200, { reset: true });
    }
    if (req.method === 'GET' && (m = /^\/_fake\/objects\/([^/]+)$/.exec(path))) {
        const obj = state.objects.get(decodeURIComponent(m[1]));
        return obj ? send(res, 200, obj) : send(res, 404, { error: `no object ${m[1]}` });
    }
    return send(res, 404, { error: `no control endpoint ${req.method} ${path}` });
}

// The hosted Checkout page a session's url points at: what a customer's
// browser sees. GET shows the amount and a Pay button; POST pays the session
// (as /_fake/checkout_sessions/:id/pay with "paid") and sends the browser to
// success_url, as Stripe does; the cancel link goes to cancel_url.
function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function hostedPage(req, res, path) {
    const id = decodeURIComponent(path.slice('/pay/'.length));
    const session = state.objects.get(id);
    if (!session || session.object !== 'checkout.session') {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end(`no session ${id}\n`);
    }
    if (req.method === 'POST') {
        try {
            paySession(state, id, 'paid');
        } catch (e) {
            if (!(e instanceof ApiError)) throw e;
            res.writeHead(e.status, { 'Content-Type': 'text/plain' });
            return res.end(`${e.fields.message}\n`);
        }
        res.writeHead(303, { Location: session.success_url.replace('{CHECKOUT_SESSION_ID}', id) });
        return res.end();
    }
    const amount = (session.amount_total / 100).toFixed(2);
    const open = session.status === 'open';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Fake Checkout</title></head><body>
<h1>Fake Stripe Checkout</h1><p id="amount">${escapeHtml(amount)} ${escapeHtml(session.currency.toUpperCase())}</p>
<p id="status">${escapeHtml(session.status)}</p>
${open ? `<form method="post" action="/pay/${encodeURIComponent(id)}"><button id="pay" type="submit">Pay</button></form>` : ''}
${session.cancel_url ? `<a id="cancel" href="${escapeHtml(session.cancel_url)}">Cancel</a>` : ''}
</body></html>`);
}

const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = new URL(req.url, 'http://x').pathname;
        try {
            if (path.startsWith('/v1/')) {
                const entry = { method: req.method, path, query: new URL(req.url, 'http://x').search.slice(1),
                    headers: req.headers, body: raw, form: {}, status: 0 };
                requests.push(entry);
                api(req, res, path, raw, entry);
            } else if (path.startsWith('/_fake/')) {
                control(req, res, path, raw);
            } else if (path.startsWith('/pay/')) {
                hostedPage(req, res, path);
            } else {
                send(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path}).` } });
            }
        } catch (e) {
            process.stderr.write(`fake-stripe: ${req.method} ${path}: ${e.stack}\n`);
            if (!res.headersSent) send(res, 500, { error: { type: 'api_error', message: `fake-stripe bug: ${e.message}` } });
        }
    });
});

function stop() {
    deliverer.reset();
    server.close();
    server.closeAllConnections();
    process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(Number(args.port), '127.0.0.1', () => {
    port = server.address().port;
    process.stdout.write(`FAKE_STRIPE_LISTENING ${port}\n`);
});
