// What the cross-checks share: Stripe's official library (with a clear
// message when `npm ci` has not been run), the fake Stripe started as a
// child process, and its control API.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const fakeScript = join(here, '..', 'harness', 'fakestripe', 'fake-stripe.mjs');

export async function loadStripe() {
    if (!existsSync(join(here, 'node_modules', 'stripe', 'package.json'))) {
        process.stderr.write(`The npm package 'stripe' is not installed in ${here}: run scripts/setup-npm.sh ` +
            '(npm ci there) first; scripts/test.sh does it before ctest.\n');
        process.exit(2);
    }
    return (await import('stripe')).default;
}

export const secretKey = 'sk_test_carwashFakeStripeKey0000000000';

// Starts the fake on a free port; resolves {port, base, stop}.
export function startFake() {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [fakeScript, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`the fake Stripe did not say it listens within 15 s; it printed: ${out}`));
        }, 15000);
        child.on('exit', (code) => reject(new Error(`the fake Stripe ended early (exit ${code}): ${out}`)));
        child.stdout.on('data', (d) => {
            out += d;
            const m = /FAKE_STRIPE_LISTENING (\d+)/.exec(out);
            if (m) {
                clearTimeout(timer);
                const port = Number(m[1]);
                resolve({
                    port,
                    base: `http://127.0.0.1:${port}`,
                    stop: () => new Promise((done) => {
                        child.removeAllListeners('exit');
                        child.on('exit', done);
                        child.kill('SIGTERM');
                    }),
                });
            }
        });
    });
}

export async function control(fake, method, path, body) {
    const res = await fetch(`${fake.base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
}

// The official client pointed at the fake.
export function client(Stripe, fake, options = {}) {
    return new Stripe(secretKey, { host: '127.0.0.1', port: fake.port, protocol: 'http', telemetry: false, ...options });
}
