// Signs a webhook payload as Stripe does, with Stripe's official library:
//   node tests/npm/sign.mjs PAYLOAD_FILE SECRET [UNIX_TIMESTAMP]
// prints the `Stripe-Signature` header value (t=...,v1=...) that
// stripe.webhooks.generateTestHeaderString makes for the file's bytes
// (read as UTF-8) and the secret; the timestamp defaults to now.
// Exit 0, or 2 with the reason on stderr. Used by our C++ tests to check
// that our verifier accepts what Stripe's library signs.

import { readFileSync } from 'node:fs';

import { loadStripe } from './support.mjs';

const [file, secret, timestamp] = process.argv.slice(2);
if (!file || !secret || (timestamp !== undefined && !/^\d+$/.test(timestamp))) {
    process.stderr.write('usage: node sign.mjs PAYLOAD_FILE SECRET [UNIX_TIMESTAMP]\n');
    process.exit(2);
}
const Stripe = await loadStripe();
const stripe = new Stripe('sk_test_signingOnly');
const header = stripe.webhooks.generateTestHeaderString({
    payload: readFileSync(file, 'utf8'),
    secret,
    ...(timestamp === undefined ? {} : { timestamp: Number(timestamp) }),
});
process.stdout.write(`${header}\n`);
