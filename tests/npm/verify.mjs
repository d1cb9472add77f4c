// Verifies a signed webhook payload with Stripe's official library:
//   node tests/npm/verify.mjs PAYLOAD_FILE STRIPE_SIGNATURE_HEADER SECRET [TOLERANCE_SECONDS]
// exits 0 when stripe.webhooks.constructEvent accepts the file's raw bytes
// with that header and secret (tolerance default 300 s, as Stripe's), and
// prints the event's id; exits 1 with the library's error on stderr when it
// refuses (wrong signature, stale timestamp, or a body that is not JSON);
// 2 on a usage error. Used by our C++ tests to check that what our signer
// makes is accepted by Stripe's library.

import { readFileSync } from 'node:fs';

import { loadStripe } from './support.mjs';

const [file, header, secret, tolerance] = process.argv.slice(2);
if (!file || header === undefined || !secret || (tolerance !== undefined && !/^\d+$/.test(tolerance))) {
    process.stderr.write('usage: node verify.mjs PAYLOAD_FILE STRIPE_SIGNATURE_HEADER SECRET [TOLERANCE_SECONDS]\n');
    process.exit(2);
}
const Stripe = await loadStripe();
const stripe = new Stripe('sk_test_verifyingOnly');
try {
    const event = stripe.webhooks.constructEvent(readFileSync(file), header, secret,
        tolerance === undefined ? undefined : Number(tolerance));
    process.stdout.write(`${event.id ?? ''}\n`);
} catch (e) {
    process.stderr.write(`${e.type ?? e.name}: ${e.message}\n`);
    process.exit(1);
}
