// PaymentIntents, their charges and refunds, shaped as Stripe answers API
// version 2020-08-27: a PaymentIntent lists its charges (`charges.data`
// holds the latest), a charge lists its refunds and counts amount_refunded.

import { checkKnown, currency, integer, invalid, list, metadata, now, oneOf, required, wrongState } from './state.mjs';

export function newIntent(state, { amount, currency: cur, methodTypes, captureMethod, meta, description }) {
    const id = state.id('pi');
    return state.put({
        id,
        object: 'payment_intent',
        amount,
        amount_capturable: 0,
        amount_received: 0,
        application: null,
        application_fee_amount: null,
        automatic_payment_methods: null,
        canceled_at: null,
        cancellation_reason: null,
        capture_method: captureMethod,
        charges: list(`/v1/charges?payment_intent=${id}`),
        client_secret: `${id}_secret_${state.chars(25)}`,
        confirmation_method: 'automatic',
        created: now(),
        currency: cur,
        customer: null,
        description: description ?? null,
        invoice: null,
        last_payment_error: null,
        livemode: false,
        metadata: meta,
        next_action: null,
        on_behalf_of: null,
        payment_method: null,
        payment_method_options: Object.fromEntries(methodTypes.map((t) => [t, {}])),
        payment_method_types: methodTypes,
        processing: null,
        receipt_email: null,
        review: null,
        setup_future_usage: null,
        shipping: null,
        statement_descriptor: null,
        statement_descriptor_suffix: null,
        status: 'requires_payment_method',
        transfer_data: null,
        transfer_group: null,
    });
}

// POST /v1/payment_intents
export function createIntent(ctx, p) {
    checkKnown(p, ['amount', 'currency', 'payment_method_types', 'capture_method', 'metadata',
        'description', 'expand', 'receipt_email', 'statement_descriptor', 'statement_descriptor_suffix']);
    const amount = integer(required(p, 'amount'), 'amount', { min: 1, max: 99999999 });
    const cur = currency(required(p, 'currency'), 'currency');
    let methodTypes = p.payment_method_types ?? ['card'];
    if (!Array.isArray(methodTypes) || methodTypes.some((t) => typeof t !== 'string')) {
        throw invalid('Invalid array', 'payment_method_types');
    }
    for (const t of methodTypes) {
        oneOf(t, 'payment_method_types', ['card', 'card_present', 'interac_present', 'sepa_debit']);
    }
    const pi = newIntent(ctx.state, {
        amount,
        currency: cur,
        methodTypes,
        captureMethod: oneOf(p.capture_method ?? 'automatic', 'capture_method', ['automatic', 'manual']),
        meta: metadata(p.metadata),
        description: p.description,
    });
    ctx.state.emit('payment_intent.created', pi, ctx.request);
    return pi;
}

// How a payment method looks on a charge or a PaymentIntent's error.
export function methodDetails(type, number) {
    const last4 = number.slice(-4);
    const year = new Date().getUTCFullYear() + 3;
    if (type === 'sepa_debit') {
        return { type, sepa_debit: { bank_code: '37040044', branch_code: null, country: 'DE', fingerprint: 'sepaFp0000000001', last4, mandate: 'mandate_fake' } };
    }
    const card = {
        brand: 'visa', country: 'US', exp_month: 12, exp_year: year, fingerprint: `fp${number.slice(-8)}fake00`,
        funding: 'credit', last4, network: 'visa',
    };
    if (type === 'card_present') {
        Object.assign(card, {
            cardholder_name: null, emv_auth_data: '8A023030', generated_card: null, read_method: 'contactless_emv',
            receipt: { account_type: 'credit', application_cryptogram: 'F4A3C0FFEE', application_preferred_name: 'Visa Credit',
                authorization_code: '123456', authorization_response_code: '3030', cardholder_verification_method: 'approval',
                dedicated_file_name: 'A0000000031010', terminal_verification_results: '0000000000', transaction_status_information: '0000' },
        });
    } else {
        card.checks = { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' };
        card.wallet = null;
    }
    return { type, [type]: card };
}

// Decline reasons of Stripe's test cards; any other number approves.
export const declines = {
    '4000000000000002': { decline_code: 'generic_decline', message: 'Your card was declined.' },
    '4000000000009995': { decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
    '4000000000000069': { decline_code: 'expired_card', code: 'expired_card', message: 'Your card has expired.' },
};

// A charge of the intent's full amount: succeeded (captured unless the
// intent captures manually), pending (an asynchronous method), or failed.
export function addCharge(state, pi, { outcome, methodType, number }) {
    const captured = outcome === 'succeeded' && pi.capture_method === 'automatic';
    const decline = outcome === 'failed' ? (declines[number] ?? declines['4000000000000002']) : null;
    const id = state.id('ch');
    const charge = state.put({
        id,
        object: 'charge',
        amount: pi.amount,
        amount_captured: captured ? pi.amount : 0,
        amount_refunded: 0,
        application: null,
        application_fee: null,
        application_fee_amount: null,
        balance_transaction: captured ? state.id('txn') : null,
        billing_details: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
            email: null, name: null, phone: null },
        calculated_statement_descriptor: 'CARWASH',
        captured,
        created: now(),
        currency: pi.currency,
        customer: null,
        description: pi.description,
        disputed: false,
        failure_code: decline ? (decline.code ?? 'card_declined') : null,
        failure_message: decline ? decline.message : null,
        fraud_details: {},
        livemode: false,
        metadata: { ...pi.metadata },
        on_behalf_of: null,
        outcome: decline
            ? { network_status: 'declined_by_network', reason: decline.decline_code, risk_level: 'normal',
                seller_message: 'The bank did not return any further details with this decline.', type: 'issuer_declined' }
            : { network_status: 'approved_by_network', reason: null, risk_level: 'normal',
                seller_message: 'Payment complete.', type: 'authorized' },
        paid: outcome === 'succeeded',
        payment_intent: pi.id,
        payment_method: state.id('pm'),
        payment_method_details: methodDetails(methodType, number),
        receipt_email: null,
        receipt_number: null,
        receipt_url: null,
        refunded: false,
        refunds: list(`/v1/charges/${id}/refunds`),
        review: null,
        shipping: null,
        source_transfer: null,
        statement_descriptor: null,
        statement_descriptor_suffix: null,
        status: outcome,
        transfer_data: null,
        transfer_group: null,
    });
    // 2020-08-27: `charges.data` holds only the latest charge.
    pi.charges.data = [charge];
    pi.charges.total_count += 1;
    pi.payment_method = charge.payment_method;
    if (outcome === 'succeeded') {
        pi.last_payment_error = null;
        if (captured) {
            pi.status = 'succeeded';
            pi.amount_received = pi.amount;
        } else {
            pi.status = 'requires_capture';
            pi.amount_capturable = pi.amount;
        }
    } else if (outcome === 'pending') {
        pi.status = 'processing';
    } else {
        pi.status = 'requires_payment_method';
        pi.payment_method = null;
        pi.last_payment_error = {
            charge: id,
            code: decline.code ?? 'card_declined',
            decline_code: decline.decline_code,
            doc_url: 'https://stripe.com/docs/error-codes/card-declined',
            message: decline.message,
            payment_method: { id: charge.payment_method, object: 'payment_method', created: charge.created,
                customer: null, livemode: false, metadata: {}, ...methodDetails(methodType, number) },
            type: 'card_error',
        };
    }
    return charge;
}

// The events Stripe sends for a charge that just settled one way or the other.
export function emitChargeOutcome(state, pi, charge, request) {
    if (charge.status === 'succeeded') {
        state.emit('charge.succeeded', charge, request);
        state.emit(pi.status === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.amount_capturable_updated', pi, request);
    } else if (charge.status === 'pending') {
        state.emit('charge.pending', charge, request);
        state.emit('payment_intent.processing', pi, request);
    } else {
        state.emit('charge.failed', charge, request);
        state.emit('payment_intent.payment_failed', pi, request);
    }
}

// A pending (asynchronous) charge settling.
export function settleCharge(state, pi, charge, succeeded) {
    if (succeeded) {
        Object.assign(charge, { status: 'succeeded', paid: true, captured: true, amount_captured: charge.amount,
            balance_transaction: state.id('txn') });
        Object.assign(pi, { status: 'succeeded', amount_received: pi.amount });
    } else {
        Object.assign(charge, { status: 'failed', failure_code: 'insufficient_funds',
            failure_message: 'The account has insufficient funds to cover this payment.' });
        Object.assign(pi, { status: 'requires_payment_method', payment_method: null, last_payment_error: {
            charge: charge.id, code: 'insufficient_funds', message: charge.failure_message, type: 'card_error' } });
    }
    emitChargeOutcome(state, pi, charge, null);
}

const cancellable = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];

export function cancelIntent(state, pi, reason, request) {
    if (!cancellable.includes(pi.status)) {
        throw wrongState(`You cannot cancel this PaymentIntent because it has a status of ${pi.status}. ` +
            `Only a PaymentIntent with one of the following statuses may be canceled: ${cancellable.join(', ')}.`,
            'payment_intent_unexpected_state');
    }
    const charge = pi.charges.data[0];
    if (pi.status === 'requires_capture' && charge) {
        // The authorisation is released: Stripe shows it as refunded.
        Object.assign(charge, { amount_refunded: charge.amount, refunded: true });
    }
    Object.assign(pi, { status: 'canceled', canceled_at: now(), cancellation_reason: reason ?? null, amount_capturable: 0 });
    state.emit('payment_intent.canceled', pi, request);
    return pi;
}

// POST /v1/payment_intents/:id/cancel
export function cancelIntentCall(ctx, p, [id]) {
    checkKnown(p, ['cancellation_reason', 'expand']);
    const pi = ctx.state.get(id, 'payment_intent', 'intent');
    const reason = p.cancellation_reason === undefined ? null
        : oneOf(p.cancellation_reason, 'cancellation_reason', ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned']);
    return cancelIntent(ctx.state, pi, reason, ctx.request);
}

// POST /v1/payment_intents/:id/capture
export function captureIntent(ctx, p, [id]) {
    checkKnown(p, ['amount_to_capture', 'expand', 'statement_descriptor', 'statement_descriptor_suffix']);
    const pi = ctx.state.get(id, 'payment_intent', 'intent');
    if (pi.status !== 'requires_capture') {
        throw wrongState(`This PaymentIntent could not be captured because it has a status of ${pi.status}. ` +
            'Only a PaymentIntent with one of the following statuses may be captured: requires_capture.',
            'payment_intent_unexpected_state');
    }
    const amount = p.amount_to_capture === undefined ? pi.amount_capturable
        : integer(p.amount_to_capture, 'amount_to_capture', { min: 1, max: pi.amount_capturable });
    const charge = pi.charges.data[0];
    Object.assign(charge, { captured: true, amount_captured: amount, balance_transaction: ctx.state.id('txn') });
    if (amount < charge.amount) {
        // The uncaptured rest is released, as Stripe shows it: refunded.
        charge.amount_refunded = charge.amount - amount;
    }
    Object.assign(pi, { status: 'succeeded', amount_received: amount, amount_capturable: 0 });
    ctx.state.emit('charge.captured', charge, ctx.request);
    ctx.state.emit('payment_intent.succeeded', pi, ctx.request);
    return pi;
}

// POST /v1/refunds: of a PaymentIntent's successful charge (or a charge).
export function createRefund(ctx, p) {
    checkKnown(p, ['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand',
        'refund_application_fee', 'reverse_transfer']);
    const { state } = ctx;
    let charge;
    if (p.payment_intent !== undefined) {
        const pi = state.get(p.payment_intent, 'payment_intent', 'payment_intent');
        charge = pi.charges.data.find((c) => c.status === 'succeeded' && c.captured);
        if (!charge) {
            throw wrongState(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
                'charge_not_refundable', 'payment_intent');
        }
    } else if (p.charge !== undefined) {
        charge = state.get(p.charge, 'charge', 'charge');
    } else {
        throw invalid('One of the following params should be provided for this request: payment_intent or charge.',
            'payment_intent', 'parameter_missing');
    }
    const left = charge.amount_captured - charge.amount_refunded;
    if (left <= 0) {
        throw wrongState(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded');
    }
    let amount = left;
    if (p.amount !== undefined) {
        amount = integer(p.amount, 'amount', { min: 1 });
        if (amount > left) {
            throw wrongState(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
                'amount_too_large', 'amount');
        }
    }
    const reason = p.reason === undefined ? null
        : oneOf(p.reason, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer']);
    const refund = state.put({
        id: state.id('re'),
        object: 'refund',
        amount,
        balance_transaction: state.id('txn'),
        charge: charge.id,
        created: now(),
        currency: charge.currency,
        metadata: metadata(p.metadata),
        payment_intent: charge.payment_intent,
        reason,
        receipt_number: null,
        source_transfer_reversal: null,
        status: 'succeeded',
        transfer_reversal: null,
    });
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded,
        refunds: structuredClone(charge.refunds) };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    charge.refunds.data.unshift(refund); // newest first, as Stripe lists them
    charge.refunds.total_count += 1;
    state.emit('charge.refunded', charge, ctx.request, previous);
    return refund;
}
