// Checkout Sessions (mode=payment with inline price_data), as API version
// 2020-08-27 has them: the session's PaymentIntent exists from creation on.

import { addCharge, cancelIntent, emitChargeOutcome, newIntent, settleCharge } from './payments.mjs';
import { checkKnown, currency, integer, invalid, list, metadata, now, oneOf, required, wrongState } from './state.mjs';

const locales = ['auto', 'bg', 'cs', 'da', 'de', 'el', 'en', 'en-GB', 'es', 'es-419', 'et', 'fi', 'fil', 'fr', 'fr-CA',
    'hr', 'hu', 'id', 'it', 'ja', 'ko', 'lt', 'lv', 'ms', 'mt', 'nb', 'nl', 'pl', 'pt', 'pt-BR', 'ro', 'ru', 'sk', 'sl',
    'sv', 'th', 'tr', 'vi', 'zh', 'zh-HK', 'zh-TW'];

const lineItemsOf = new WeakMap(); // session -> its line items, for expand[]=line_items

function url(value, param) {
    try {
        new URL(value);
    } catch {
        throw invalid('Not a valid URL', param, 'url_invalid');
    }
    return value;
}

function lineItems(state, items) {
    if (!Array.isArray(items) || items.length === 0) {
        throw invalid('line_items is required in `payment` mode.', 'line_items', 'parameter_missing');
    }
    return items.map((it, i) => {
        const at = `line_items[${i}]`;
        if (typeof it !== 'object' || Array.isArray(it)) throw invalid('Invalid hash', at);
        checkKnown(it, ['price_data', 'quantity', 'price', 'adjustable_quantity', 'tax_rates', 'dynamic_tax_rates']);
        if (it.price !== undefined) {
            throw invalid(`No such price: '${it.price}'`, `${at}[price]`, 'resource_missing');
        }
        const pd = it.price_data;
        if (typeof pd !== 'object') {
            throw invalid('You must specify either `price` or `price_data` for each line item.', `${at}[price_data]`, 'parameter_missing');
        }
        checkKnown(pd, ['currency', 'unit_amount', 'unit_amount_decimal', 'product_data', 'product', 'recurring', 'tax_behavior']);
        const cur = currency(required(pd, 'currency', `${at}[price_data][currency]`), `${at}[price_data][currency]`);
        const unit = integer(required(pd, 'unit_amount', `${at}[price_data][unit_amount]`), `${at}[price_data][unit_amount]`,
            { max: 99999999 });
        const name = pd.product_data?.name;
        if (typeof name !== 'string' || name === '') {
            throw invalid('Missing required param: line_items[0][price_data][product_data][name].'.replace('[0]', `[${i}]`),
                `${at}[price_data][product_data][name]`, 'parameter_missing');
        }
        const quantity = integer(required(it, 'quantity', `${at}[quantity]`), `${at}[quantity]`, { min: 1, max: 999999 });
        return {
            id: state.id('li'),
            object: 'item',
            amount_subtotal: unit * quantity,
            amount_total: unit * quantity,
            currency: cur,
            description: name,
            price: { id: state.id('price'), object: 'price', active: false, currency: cur, product: state.id('prod'),
                type: 'one_time', unit_amount: unit, unit_amount_decimal: String(unit) },
            quantity,
        };
    });
}

// POST /v1/checkout/sessions
export function createSession(ctx, p) {
    const { state } = ctx;
    checkKnown(p, ['mode', 'line_items', 'success_url', 'cancel_url', 'client_reference_id', 'metadata', 'locale',
        'expires_at', 'payment_intent_data', 'payment_method_types', 'customer_email', 'expand', 'submit_type']);
    oneOf(required(p, 'mode'), 'mode', ['payment']);
    const successUrl = url(required(p, 'success_url'), 'success_url');
    const cancelUrl = p.cancel_url === undefined ? null : url(p.cancel_url, 'cancel_url');
    const items = lineItems(state, p.line_items);
    const cur = items[0].currency;
    if (items.some((it) => it.currency !== cur)) {
        throw invalid('All line items must have the same currency.', 'line_items');
    }
    const created = now();
    let expiresAt = created + 24 * 3600;
    if (p.expires_at !== undefined) {
        expiresAt = integer(p.expires_at, 'expires_at');
        if (expiresAt < created + 30 * 60) {
            throw invalid('The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.',
                'expires_at');
        }
        if (expiresAt > created + 24 * 3600) {
            throw invalid('The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.',
                'expires_at');
        }
    }
    const ref = p.client_reference_id ?? null;
    if (ref !== null && ref.length > 200) {
        throw invalid('client_reference_id must be at most 200 characters.', 'client_reference_id');
    }
    const locale = p.locale === undefined ? null : oneOf(p.locale, 'locale', locales);
    const pid = p.payment_intent_data ?? {};
    if (typeof pid !== 'object' || Array.isArray(pid)) throw invalid('Invalid hash', 'payment_intent_data');
    checkKnown(pid, ['metadata', 'description', 'capture_method', 'receipt_email', 'statement_descriptor',
        'statement_descriptor_suffix', 'setup_future_usage']);
    const methodTypes = p.payment_method_types ?? ['card'];
    const amount = items.reduce((sum, it) => sum + it.amount_total, 0);
    const pi = newIntent(state, {
        amount,
        currency: cur,
        methodTypes,
        captureMethod: oneOf(pid.capture_method ?? 'automatic', 'payment_intent_data[capture_method]', ['automatic', 'manual']),
        meta: metadata(pid.metadata, 'payment_intent_data[metadata]'),
        description: pid.description,
    });
    const id = state.id('cs_test');
    const session = state.put({
        id,
        object: 'checkout.session',
        after_expiration: null,
        allow_promotion_codes: null,
        amount_subtotal: amount,
        amount_total: amount,
        automatic_tax: { enabled: false, status: null },
        billing_address_collection: null,
        cancel_url: cancelUrl,
        client_reference_id: ref,
        consent: null,
        consent_collection: null,
        created,
        currency: cur,
        customer: null,
        customer_creation: null,
        customer_details: null,
        customer_email: p.customer_email ?? null,
        expires_at: expiresAt,
        livemode: false,
        locale,
        metadata: metadata(p.metadata),
        mode: 'payment',
        payment_intent: pi.id,
        payment_link: null,
        payment_method_options: {},
        payment_method_types: methodTypes,
        payment_status: 'unpaid',
        phone_number_collection: { enabled: false },
        recovered_from: null,
        setup_intent: null,
        shipping: null,
        shipping_address_collection: null,
        shipping_options: [],
        shipping_rate: null,
        status: 'open',
        submit_type: p.submit_type ?? null,
        subscription: null,
        success_url: successUrl,
        total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
        url: `http://127.0.0.1:${ctx.port}/pay/${id}`,
    });
    lineItemsOf.set(session, items);
    state.emit('payment_intent.created', pi, ctx.request);
    return session;
}

export function sessionLineItems(session) {
    return list(`/v1/checkout/sessions/${session.id}/line_items`, lineItemsOf.get(session) ?? []);
}

function mustBeOpen(session, what) {
    if (session.status !== 'open') {
        throw wrongState(`Only Checkout Sessions with a status in ["open"] can be ${what}. ` +
            `This Checkout Session has a status of "${session.status}".`, 'checkout_session_not_open');
    }
}

// POST /v1/checkout/sessions/:id/expire — the session ends; its intent is canceled.
export function expireSession(ctx, p, [id]) {
    checkKnown(p, ['expand']);
    const session = ctx.state.get(id, 'checkout.session', 'session');
    mustBeOpen(session, 'expired');
    Object.assign(session, { status: 'expired', url: null });
    ctx.state.emit('checkout.session.expired', session, ctx.request);
    cancelIntent(ctx.state, ctx.state.get(session.payment_intent, 'payment_intent'), 'abandoned', null);
    return session;
}

// The customer pays on the hosted page (control API, not Stripe's):
// outcome "paid" (a card), "async_succeeded" or "async_failed" (a method
// that settles later: completed unpaid first, then the result).
export function paySession(state, id, outcome) {
    const session = state.get(id, 'checkout.session', 'session');
    oneOf(outcome, 'outcome', ['paid', 'async_succeeded', 'async_failed']);
    mustBeOpen(session, 'paid');
    const pi = state.get(session.payment_intent, 'payment_intent');
    const details = { address: { city: null, country: 'DE', line1: null, line2: null, postal_code: null, state: null },
        email: 'customer@example.com', name: 'Jenny Rosen', phone: null, tax_exempt: 'none', tax_ids: [] };
    const async = outcome !== 'paid';
    const charge = addCharge(state, pi, async
        ? { outcome: 'pending', methodType: 'sepa_debit', number: '000123456789' }
        : { outcome: 'succeeded', methodType: 'card', number: '4242424242424242' });
    emitChargeOutcome(state, pi, charge, null);
    Object.assign(session, { status: 'complete', payment_status: async ? 'unpaid' : 'paid', customer_details: details, url: null });
    state.emit('checkout.session.completed', session, null);
    if (async) {
        const ok = outcome === 'async_succeeded';
        settleCharge(state, pi, charge, ok);
        if (ok) session.payment_status = 'paid';
        state.emit(ok ? 'checkout.session.async_payment_succeeded' : 'checkout.session.async_payment_failed', session, null);
    }
    return session;
}
