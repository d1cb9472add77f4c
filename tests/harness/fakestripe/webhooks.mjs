// Delivery of events as Stripe does it: signed with every configured
// secret, POSTed at least once (sometimes twice), each copy after its own
// random delay so order varies, retried on a non-2xx answer or a failed
// connection with backoff (fast here: 100 ms doubling, 8 tries at most).

import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

const maxAttempts = 8;
const attemptTimeoutMs = 10000;
// A burst of events reaches the receiver over a bounded number of
// connections, kept alive, as from Stripe's senders.
const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 16 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 16 }),
};

// `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`, v1 = HMAC-SHA256
// keyed by the whole secret over "<t>.<body>".
export function signatureHeader(body, secrets, t) {
    const parts = [`t=${t}`];
    for (const s of secrets) {
        parts.push(`v1=${createHmac('sha256', s).update(`${t}.${body}`, 'utf8').digest('hex')}`);
    }
    return parts.join(',');
}

export class Deliverer {
    constructor(random) {
        this.random = random;
        this.config = { url: null, secrets: [], duplicateRate: 0, maxDelayMs: 0, drop: [] };
        this.deliveries = [];
        this.timers = new Set();
        this.inflight = new Set();
    }

    // Validates and takes {url, secrets, duplicateRate, maxDelayMs, drop};
    // returns an error message or null.
    configure(c) {
        if (c === null || typeof c !== 'object') return 'a JSON object is expected';
        if (c.url === null || c.url === undefined) {
            this.config = { ...this.config, url: null };
            return null;
        }
        let url;
        try {
            url = new URL(c.url);
        } catch {
            return `url: not a URL: ${c.url}`;
        }
        const secrets = c.secrets ?? [];
        if (!Array.isArray(secrets) || secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s === '')) {
            return 'secrets: a non-empty array of strings is expected';
        }
        const duplicateRate = c.duplicateRate ?? 0;
        if (typeof duplicateRate !== 'number' || duplicateRate < 0 || duplicateRate > 1) {
            return 'duplicateRate: a number from 0 to 1 is expected';
        }
        const maxDelayMs = c.maxDelayMs ?? 0;
        if (!Number.isInteger(maxDelayMs) || maxDelayMs < 0) return 'maxDelayMs: a whole number >= 0 is expected';
        const drop = c.drop ?? [];
        if (!Array.isArray(drop) || drop.some((t) => typeof t !== 'string')) return 'drop: an array of event types is expected';
        this.config = { url: url.toString(), secrets: [...secrets], duplicateRate, maxDelayMs, drop: [...drop] };
        return null;
    }

    // Called for each new event; uses the configuration in force now.
    enqueue(event) {
        const c = this.config;
        if (!c.url || c.drop.includes(event.type)) return;
        event.pending_webhooks = 1;
        const body = JSON.stringify(event, null, 2);
        const copies = this.random() < c.duplicateRate ? 2 : 1;
        for (let copy = 1; copy <= copies; ++copy) {
            this.later(Math.floor(this.random() * (c.maxDelayMs + 1)), () => this.attempt(c, event, body, copy, 1));
        }
    }

    later(ms, fn) {
        const timer = setTimeout(() => {
            this.timers.delete(timer);
            fn();
        }, ms);
        this.timers.add(timer);
    }

    attempt(c, event, body, copy, attempt) {
        const record = (status, error) => {
            const d = { eventId: event.id, type: event.type, copy, attempt, status };
            if (error) d.error = error;
            this.deliveries.push(d);
            if (status >= 200 && status < 300) return;
            if (attempt < maxAttempts) {
                this.later(100 * 2 ** (attempt - 1), () => this.attempt(c, event, body, copy, attempt + 1));
            }
        };
        const url = new URL(c.url);
        const t = Math.floor(Date.now() / 1000);
        const req = (url.protocol === 'https:' ? https : http).request(url, {
            method: 'POST',
            agent: agents[url.protocol],
            headers: {
                'Content-Type': 'application/json; charset=utf-8',
                'Content-Length': Buffer.byteLength(body),
                'Stripe-Signature': signatureHeader(body, c.secrets, t),
                'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
                'Cache-Control': 'no-cache',
                Accept: '*/*; q=0.5, application/xml',
            },
            timeout: attemptTimeoutMs,
        });
        this.inflight.add(req);
        let done = false;
        const finish = (status, error) => {
            if (done) return;
            done = true;
            this.inflight.delete(req);
            record(status, error);
        };
        req.on('response', (res) => {
            res.resume();
            res.on('end', () => finish(res.statusCode));
            res.on('error', (e) => finish(0, e.message));
        });
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', (e) => finish(0, e.message));
        req.end(body);
    }

    // Forgets deliveries and stops every pending or running one.
    reset() {
        for (const t of this.timers) clearTimeout(t);
        this.timers.clear();
        for (const r of this.inflight) {
            r.removeAllListeners('error');
            r.on('error', () => {});
            r.destroy();
        }
        this.inflight.clear();
        this.deliveries = [];
    }
}
