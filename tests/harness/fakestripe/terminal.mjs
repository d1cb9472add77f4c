// Terminal readers driven from the server, and the test helper that plays
// the customer presenting a card. A simulated reader (registration code
// simulated-wpe) is always online.

import { addCharge, declines, emitChargeOutcome } from './payments.mjs';
import { checkKnown, integer, invalid, metadata, now, required, wrongState } from './state.mjs';

function reader(ctx, id) {
    return ctx.state.get(id, 'terminal.reader', 'reader');
}

function notBusy(r) {
    if (r.action && r.action.status === 'in_progress') {
        throw wrongState('Reader is currently busy processing another request. Please reference the integration guide at ' +
            'https://stripe.com/docs/terminal/payments/collect-payment?terminal-sdk-platform=server-driven#handle-errors for details.',
            'terminal_reader_busy');
    }
}

// POST /v1/terminal/readers
export function registerReader(ctx, p) {
    checkKnown(p, ['registration_code', 'label', 'location', 'metadata', 'expand']);
    const code = required(p, 'registration_code');
    if (code !== 'simulated-wpe') {
        throw invalid(`The registration code '${code}' is invalid or has expired.`, 'registration_code');
    }
    const id = ctx.state.id('tmr');
    return ctx.state.put({
        id,
        object: 'terminal.reader',
        action: null,
        device_sw_version: '',
        device_type: 'simulated_wisepos_e',
        ip_address: '0.0.0.0',
        label: p.label ?? 'Simulated WisePOS E',
        last_seen_at: now() * 1000,
        livemode: false,
        location: p.location ?? null,
        metadata: metadata(p.metadata),
        serial_number: `WPE-SIMULATOR-${id.slice(4, 12).toUpperCase()}`,
        status: 'online',
    });
}

// POST /v1/terminal/readers/:id/process_payment_intent
export function processPaymentIntent(ctx, p, [id]) {
    checkKnown(p, ['payment_intent', 'process_config', 'expand']);
    const r = reader(ctx, id);
    const pi = ctx.state.get(required(p, 'payment_intent'), 'payment_intent', 'payment_intent');
    if (!pi.payment_method_types.includes('card_present')) {
        throw wrongState(`The PaymentIntent ${pi.id} does not accept card_present payments: add it to its payment_method_types.`,
            'payment_intent_invalid_parameter', 'payment_intent');
    }
    if (pi.status !== 'requires_payment_method') {
        throw wrongState(`This PaymentIntent's status is ${pi.status}, but a reader can only process a PaymentIntent ` +
            'with status requires_payment_method.', 'payment_intent_unexpected_state', 'payment_intent');
    }
    notBusy(r);
    r.action = {
        failure_code: null,
        failure_message: null,
        process_payment_intent: { payment_intent: pi.id },
        status: 'in_progress',
        type: 'process_payment_intent',
    };
    return r;
}

// POST /v1/terminal/readers/:id/cancel_action — the collection in progress
// stops; the intent stays requires_payment_method. No event.
export function cancelAction(ctx, p, [id]) {
    checkKnown(p, ['expand']);
    const r = reader(ctx, id);
    if (!r.action || r.action.status !== 'in_progress') {
        throw wrongState('This reader has no action in progress to cancel.', 'terminal_reader_action_not_in_progress');
    }
    r.action = null;
    return r;
}

// POST /v1/terminal/readers/:id/set_reader_display (type=cart)
export function setReaderDisplay(ctx, p, [id]) {
    checkKnown(p, ['type', 'cart', 'expand']);
    const r = reader(ctx, id);
    if (required(p, 'type') !== 'cart') throw invalid('Invalid type: must be cart', 'type');
    const cart = p.cart;
    if (typeof cart !== 'object' || Array.isArray(cart)) {
        throw invalid('Missing required param: cart.', 'cart', 'parameter_missing');
    }
    checkKnown(cart, ['currency', 'line_items', 'tax', 'total']);
    const items = Array.isArray(cart.line_items) ? cart.line_items : [];
    const shown = {
        currency: required(cart, 'currency', 'cart[currency]').toLowerCase(),
        line_items: items.map((it, i) => ({
            amount: integer(required(it, 'amount', `cart[line_items][${i}][amount]`), `cart[line_items][${i}][amount]`),
            description: required(it, 'description', `cart[line_items][${i}][description]`),
            quantity: integer(required(it, 'quantity', `cart[line_items][${i}][quantity]`), `cart[line_items][${i}][quantity]`, { min: 1 }),
        })),
        tax: cart.tax === undefined ? null : integer(cart.tax, 'cart[tax]'),
        total: integer(required(cart, 'total', 'cart[total]'), 'cart[total]'),
    };
    notBusy(r);
    r.action = {
        failure_code: null,
        failure_message: null,
        set_reader_display: { cart: shown, type: 'cart' },
        status: 'succeeded',
        type: 'set_reader_display',
    };
    return r;
}

// POST /v1/test_helpers/terminal/readers/:id/present_payment_method — the
// customer taps a card: 4000000000000002 (and Stripe's other decline test
// numbers) decline, anything else approves.
export function presentPaymentMethod(ctx, p, [id]) {
    checkKnown(p, ['card_present', 'type', 'amount_tip', 'interac_present', 'expand']);
    const r = reader(ctx, id);
    const number = p.card_present?.number ?? '4242424242424242';
    if (!/^\d{12,19}$/.test(number)) {
        throw invalid('Your card number is incorrect.', 'card_present[number]', 'incorrect_number');
    }
    if (!r.action || r.action.type !== 'process_payment_intent' || r.action.status !== 'in_progress') {
        throw wrongState('The reader has no in-progress process_payment_intent action to present a payment method to.',
            'terminal_reader_action_not_in_progress');
    }
    const pi = ctx.state.get(r.action.process_payment_intent.payment_intent, 'payment_intent');
    const declined = declines[number] !== undefined;
    const charge = addCharge(ctx.state, pi, { outcome: declined ? 'failed' : 'succeeded', methodType: 'card_present', number });
    emitChargeOutcome(ctx.state, pi, charge, ctx.request);
    if (declined) {
        Object.assign(r.action, { status: 'failed', failure_code: 'card_declined', failure_message: 'Your card has been declined.' });
    } else {
        r.action.status = 'succeeded';
    }
    ctx.state.emit(declined ? 'terminal.reader.action_failed' : 'terminal.reader.action_succeeded', r, ctx.request);
    return r;
}
