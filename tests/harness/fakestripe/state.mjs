// The fake's memory: seeded ids, stored objects, the events they emit, and
// the error type and parameter checks every endpoint shares.

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// mulberry32: small, seedable, good enough for ids, delays and duplicates.
export function makeRandom(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

// An error answered as Stripe answers: HTTP status and
// {"error": {type, code, message, param, ...}}. `stored` says whether an
// idempotent replay gives it back again (Stripe keeps results only of
// requests that passed validation and began executing).
export class ApiError extends Error {
    constructor(status, fields, { stored = false, headers = {} } = {}) {
        super(fields.message);
        this.status = status;
        this.fields = fields;
        this.stored = stored;
        this.headers = headers;
    }
    body() {
        const e = { ...this.fields };
        if (e.code) {
            e.doc_url = `https://stripe.com/docs/error-codes/${e.code.replaceAll('_', '-')}`;
        }
        return { error: e };
    }
}

export function invalid(message, param, code) {
    const fields = { type: 'invalid_request_error', message };
    if (code) fields.code = code;
    if (param) fields.param = param;
    return new ApiError(400, fields);
}

// A request that was valid but finds the object in the wrong state: kept
// for idempotent replay like any executed request.
export function wrongState(message, code, param) {
    const fields = { type: 'invalid_request_error', message };
    if (code) fields.code = code;
    if (param) fields.param = param;
    return new ApiError(400, fields, { stored: true });
}

export function now() {
    return Math.floor(Date.now() / 1000);
}

export class State {
    constructor(seed, onEvent) {
        this.random = makeRandom(seed);
        this.objects = new Map();
        this.events = [];
        this.onEvent = onEvent;
    }

    chars(n) {
        let s = '';
        for (let i = 0; i < n; ++i) s += ALNUM[Math.floor(this.random() * ALNUM.length)];
        return s;
    }

    // Ids shaped like Stripe's: pi_ + 24, cs_test_ + 58, evt_ + 24, ...
    id(prefix) {
        if (prefix === 'cs_test') return `cs_test_a1${this.chars(56)}`;
        if (prefix === 'req') return `req_${this.chars(14)}`;
        return `${prefix}_${this.chars(24)}`;
    }

    put(obj) {
        this.objects.set(obj.id, obj);
        return obj;
    }

    // The stored object of that kind, or Stripe's 404.
    get(id, object, param) {
        const obj = this.objects.get(id);
        if (!obj || obj.object !== object) {
            throw new ApiError(404, {
                type: 'invalid_request_error',
                code: 'resource_missing',
                message: `No such ${object}: '${id}'`,
                param,
            });
        }
        return obj;
    }

    // Records a Stripe event with a snapshot of `obj` and hands it to the
    // deliverer. `request` is {id, idempotency_key} of the API call that
    // caused it, or null for what happened on Stripe's side (a payment).
    emit(type, obj, request, previous) {
        const event = {
            id: this.id('evt'),
            object: 'event',
            api_version: '2020-08-27',
            created: now(),
            data: { object: structuredClone(obj) },
            livemode: false,
            pending_webhooks: 0,
            request: request ?? { id: null, idempotency_key: null },
            type,
        };
        if (previous) event.data.previous_attributes = previous;
        this.events.push(event);
        this.onEvent(event);
        return event;
    }
}

// --- parameter checks ------------------------------------------------------

export function checkKnown(params, allowed) {
    for (const k of Object.keys(params)) {
        if (!allowed.includes(k)) {
            throw invalid(`Received unknown parameter: ${k}`, k);
        }
    }
}

export function required(params, name, param = name) {
    const v = params[name];
    if (v === undefined || v === '') {
        throw invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
    }
    return v;
}

export function integer(value, param, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
    if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
        throw invalid(`Invalid integer: ${value}`, param, 'parameter_invalid_integer');
    }
    const n = Number(value);
    if (n < min || n > max) {
        throw invalid(`This value must be greater than or equal to ${min}` +
            (max < Number.MAX_SAFE_INTEGER ? ` and less than or equal to ${max}.` : '.'),
            param, 'parameter_invalid_integer');
    }
    return n;
}

export function oneOf(value, param, values) {
    if (!values.includes(value)) {
        throw invalid(`Invalid ${param}: must be one of ${values.join(', ')}`, param);
    }
    return value;
}

export function currency(value, param) {
    if (typeof value !== 'string' || !/^[a-zA-Z]{3}$/.test(value)) {
        throw invalid(`Invalid currency: ${value}. Stripe currently supports these currencies: eur, usd, gbp, ...`,
            param, 'parameter_invalid_string');
    }
    return value.toLowerCase();
}

// Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500.
export function metadata(value, param = 'metadata') {
    if (value === undefined || value === '') return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
        throw invalid('Invalid object', param);
    }
    const out = {};
    const entries = Object.entries(value);
    if (entries.length > 50) {
        throw invalid('You can specify up to 50 keys.', param);
    }
    for (const [k, v] of entries) {
        if (typeof v !== 'string') {
            throw invalid(`Invalid value for ${param}[${k}]: metadata values must be strings`, `${param}[${k}]`);
        }
        if (k.length > 40) {
            throw invalid(`Metadata key ${k} is longer than 40 characters.`, `${param}[${k}]`);
        }
        if (v.length > 500) {
            throw invalid(`Metadata values can have up to 500 characters, but you passed in a value that is ${v.length} characters.`,
                `${param}[${k}]`);
        }
        if (v !== '') out[k] = v;
    }
    return out;
}

export function list(url, data = []) {
    return { object: 'list', data, has_more: false, total_count: data.length, url };
}
