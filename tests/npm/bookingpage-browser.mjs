// Drives the booking page (resources/web/, served by carwash-server) in
// headless Chromium through puppeteer-core (pinned in package.json; it never
// downloads a browser: CARWASH_CHROMIUM, default /usr/bin/chromium). One
// scenario per run:
//
//   node bookingpage-browser.mjs SCENARIO '{"base": "http://127.0.0.1:PORT", ...}'
//
// It asserts on the page (the DOM, focus, what the server answered) and
// prints "RESULT {json}" for the caller (tests/tst_bookingpage.cpp, which
// starts PostgreSQL, the fake Stripe and carwash-server and checks the
// database; scripts/web-screenshots.sh for the pictures). A failed check ends
// with exit code 1 and says what it saw.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import jsQR from 'jsqr';
import puppeteer from 'puppeteer-core';

const scenario = process.argv[2];
const args = JSON.parse(process.argv[3] || '{}');
const base = args.base;
// Bounds for waiting, generous for a loaded machine; never a measure.
const TIMEOUT = 90000;

// "STEP name" to the caller, which changes something outside the browser
// (stops the database) and answers "go".
const input = createInterface({ input: process.stdin });
const waiting = [];
input.on('line', (line) => { if (line.trim() === 'go' && waiting.length) waiting.shift()(); });
function step(name) {
    console.log(`STEP ${name}`);
    return new Promise((resolve) => waiting.push(resolve));
}

async function launch(lang = 'en-US') {
    const browser = await puppeteer.launch({
        executablePath: process.env.CARWASH_CHROMIUM || '/usr/bin/chromium',
        headless: true,
        // Chromium refuses its sandbox under root (CI containers).
        args: [...(process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []), `--lang=${lang}`,
            `--accept-lang=${lang},${lang.split('-')[0]}`],
        env: { ...process.env, LANGUAGE: lang.replace('-', '_'), LANG: `${lang.replace('-', '_')}.UTF-8` },
    });
    return browser;
}

async function open(browser, { width = 390, height = 844, url = '/' } = {}) {
    const page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    // Answers of 4xx/5xx and the connection the flow resets on purpose are
    // the scenarios' business; anything else the console reports is not.
    page.on('console', (m) => {
        if (m.type() === 'error' && !/status of (4|5)\d\d|ERR_CONNECTION_RESET/.test(m.text())) page.errors.push(m.text());
    });
    await page.setViewport({ width, height });
    page.on('dialog', (d) => d.accept());
    await page.goto(base + url, { waitUntil: 'networkidle0' });
    await page.waitForSelector('#services input');
    return page;
}

function noErrors(page) {
    assert.deepEqual(page.errors, [], 'the page reported errors');
}

const text = (page, selector) => page.$eval(selector, (el) => el.textContent.trim());
const visible = (page, selector) => page.waitForSelector(`${selector}:not([hidden])`, { visible: true });

// Every control named by a label, and nothing wider than the screen.
async function accessible(page) {
    const unlabelled = await page.$$eval('input, select', (els) => els
        .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.id || el.name || el.outerHTML));
    assert.deepEqual(unlabelled, [], 'controls without a label');
    // Text against the background it is drawn on: at least 4.5:1 (WCAG AA).
    const poor = await page.evaluate(() => {
        const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
        const luminance = ([r, g, b]) => {
            const lin = (v) => { const x = v / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
            return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
        };
        const background = (el) => {
            for (let e = el; e; e = e.parentElement) {
                const c = rgb(getComputedStyle(e).backgroundColor);
                if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
            }
            return [255, 255, 255];
        };
        const found = [];
        for (const el of document.querySelectorAll('body *')) {
            const hasText = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
            if (!hasText || !el.getClientRects().length || el.closest('[hidden]') || el.matches(':disabled')) continue;
            const style = getComputedStyle(el);
            if (style.visibility === 'hidden') continue;
            const [a, b] = [luminance(rgb(style.color)), luminance(background(el))];
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            if (ratio < 4.5) found.push(`${el.tagName}#${el.id} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
        }
        return found;
    });
    assert.deepEqual(poor, [], 'text with a contrast under 4.5:1');
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(widths[0] <= widths[1], `no horizontal scrolling (${widths[0]} px wide in ${widths[1]})`);
}

async function chooseWash(page, service, vehicle = 'car') {
    await page.click(`input[name=vehicle][value=${vehicle}]`);
    await page.click(`#services input[value="${service}"]`);
    await visible(page, '#next');
}

async function takeNext(page) {
    const start = await page.$eval('#next', (b) => b.dataset.start);
    await page.click('#next');
    assert.equal(await page.$eval('#next', (b) => b.getAttribute('aria-pressed')), 'true');
    return start;
}

async function fillDetails(page, { plate, name, phone, email }) {
    for (const [id, value] of [['plate', plate], ['name', name], ['phone', phone], ['email', email]]) {
        await page.$eval(`#${id}`, (el) => { el.value = ''; });
        if (value) await page.type(`#${id}`, value);
    }
}

async function api(method, path, body, lang = 'en', headers = {}) {
    const response = await fetch(base + path, {
        method,
        headers: { 'Accept-Language': lang, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() };
}

// At the fake Stripe's hosted Checkout page: pay, and be sent back.
async function payAtCheckout(page, { keyboard = false } = {}) {
    await page.waitForFunction(() => location.pathname.startsWith('/pay/'), { timeout: TIMEOUT });
    await page.waitForSelector('#pay');
    const back = page.waitForNavigation({ waitUntil: 'networkidle0' });
    if (keyboard) {
        await tabTo(page, '#pay');
        await page.keyboard.press('Enter');
    } else {
        await page.click('#pay');
    }
    await back;
}

// Back on the page: the booking shown as confirmed (Stripe's event has
// reached the server), its code and a QR code that reads as the code.
async function confirmedBooking(page) {
    await visible(page, '#booking');
    await page.waitForFunction(() => document.getElementById('booking-status').textContent.startsWith('Confirmed'),
        { timeout: 2 * TIMEOUT });
    assert.equal(await page.evaluate(() => location.pathname + location.search), '/', 'the return address is cleaned');
    const code = await text(page, '#booking-code');
    assert.match(code, /^[0-9A-Z]{6}$/);
    assert.equal(await readQr(page), code, 'the QR code reads as the confirmation code');
    assert.equal(await page.$eval('dd[data-key=d_payment]', (d) => d.textContent), 'Paid');
    return code;
}

async function readQr(page) {
    const image = await page.$eval('#qr', (canvas) => {
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        return { width: data.width, height: data.height, pixels: Array.from(data.data) };
    });
    const found = jsQR(Uint8ClampedArray.from(image.pixels), image.width, image.height);
    return found ? found.data : null;
}

// Presses Tab until the focus is on selector; the focus must be visible on
// the way (an outline).
async function tabTo(page, selector, limit = 80) {
    for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        const where = await page.evaluate((sel) => {
            const el = document.activeElement;
            const style = el ? getComputedStyle(el) : null;
            return { at: !!el && el.matches(sel), outline: style ? style.outlineStyle : 'none', tag: el && el.tagName, id: el && (el.id || el.name) };
        }, selector);
        if (where.tag !== 'BODY' && where.tag !== 'A') assert.notEqual(where.outline, 'none', `the focus is visible on ${where.tag} ${where.id}`);
        if (where.at) return;
    }
    throw new Error(`Tab never reached ${selector}`);
}

const scenarios = {
    // The whole way, as a customer on a phone: wash, vehicle, next time,
    // details, book (the first answer lost on the way: "try again" books
    // once, by the same Idempotency-Key; a double click books once too),
    // pay at Checkout, back on the page with the code and its QR code.
    async flow(browser) {
        const page = await open(browser, { width: 360, height: 740 });
        await chooseWash(page, args.service, args.vehicle);
        const start = await takeNext(page);
        // The next free time's day (today's may be over at this hour).
        await page.$eval('#day', (input, day) => { input.value = day; }, start.slice(0, 10));
        await page.click('#show-day');
        await page.waitForSelector('#slots button');
        await fillDetails(page, args);
        await accessible(page);
        const client = await page.createCDPSession();
        await client.send('Fetch.enable', { patterns: [{ urlPattern: '*/api/bookings', requestStage: 'Response' }] });
        let lost = 0;
        const keys = [];
        client.on('Fetch.requestPaused', async (e) => {
            keys.push(e.request.headers['Idempotency-Key']);
            if (lost++ === 0) await client.send('Fetch.failRequest', { requestId: e.requestId, errorReason: 'ConnectionReset' });
            else await client.send('Fetch.continueRequest', { requestId: e.requestId });
        });
        await page.click('#submit', { count: 2 });
        await visible(page, '#problem-retry');
        assert.match(await text(page, '#problem-text'), /cannot reach the car wash/);
        await page.click('#problem-retry');
        await payAtCheckout(page);
        assert.equal(keys.length, 2, 'one request per attempt, the double click ignored');
        assert.ok(keys[0] && keys[0] === keys[1], 'the retry carries the first attempt\'s key');
        const code = await confirmedBooking(page);
        await accessible(page);
        noErrors(page);
        return { code, start, key: keys[0] };
    },

    // The time chosen is taken from outside (every bay) before the customer
    // books: the page offers the alternatives, and one of them books.
    async taken(browser) {
        const page = await open(browser);
        await chooseWash(page, args.service, args.vehicle);
        const start = await takeNext(page);
        const slots = await api('GET', `/api/availability?date=${start.slice(0, 10)}&service=${args.service}&vehicle=${args.vehicle}`);
        const slot = slots.body.find((s) => s.start === start);
        assert.ok(slot, 'the next free time is in the day\'s list');
        const outside = [];
        for (const [i, bay] of slot.bays.entries()) {
            const made = await api('POST', '/api/bookings', { service: args.service, start, vehicle: args.vehicle,
                bay: bay.id, plate: `OUT ${i + 1}`, name: 'Someone Else', phone: '+1 555 0199' });
            assert.equal(made.status, 201);
            outside.push(made.body.code);
        }
        await fillDetails(page, args);
        const answers = [];
        page.on('response', async (r) => {
            if (r.url().endsWith('/api/bookings') && r.request().method() === 'POST') answers.push({ status: r.status(), body: await r.json() });
        });
        await page.click('#submit');
        await visible(page, '#taken');
        assert.match(await text(page, '#taken-text'), /Choose one of these/);
        const offered = await page.$$eval('#alternatives button', (bs) => bs.map((b) => b.dataset.start));
        assert.ok(offered.length > 0 && !offered.includes(start), 'alternatives, not the taken time');
        assert.equal(await page.evaluate(() => document.activeElement.parentElement.id), 'alternatives');
        await page.click('#alternatives button');
        await page.waitForFunction(() => location.pathname.startsWith('/pay/'), { timeout: TIMEOUT });
        assert.deepEqual(answers.map((a) => a.status), [409, 201]);
        noErrors(page);
        return { code: answers[1].body.code, taken: start, chosen: offered[0], outside };
    },

    // Writes limited to one at a time by the site (a burst of 1): the
    // booking is made, paying it is refused for now (429), and the page says
    // when to try again, keeps the booking shown, and "Try again" gets there.
    async limited(browser) {
        const page = await open(browser, { width: 360, height: 740 });
        await chooseWash(page, args.service, args.vehicle);
        await takeNext(page);
        await fillDetails(page, args);
        await page.click('#submit');
        await visible(page, '#problem-retry');
        assert.match(await text(page, '#problem-text'), /Try again in [1-9]\d* seconds\.$/);
        assert.equal(await page.$eval('#booking', (s) => s.hidden), false);
        const code = await text(page, '#booking-code');
        assert.match(code, /^[0-9A-Z]{6}$/);
        let refused = 1;
        for (;;) {
            await new Promise((resolve) => setTimeout(resolve, 1000));
            const gone = page.waitForFunction(() => location.pathname.startsWith('/pay/'), { timeout: 5000 }).then(() => true, () => false);
            await page.click('#problem-retry');
            if (await gone) break;
            assert.ok(++refused < 30, 'paying stays refused');
            await visible(page, '#problem-retry');
        }
        return { code, refused };
    },

    // The database goes away after the form is filled in: booking is
    // refused for now in words, with "Try again"; the database back, trying
    // again books (by the same key) and goes on to Checkout.
    async away(browser) {
        const page = await open(browser, { width: 360, height: 740 });
        await chooseWash(page, args.service, args.vehicle);
        await takeNext(page);
        await fillDetails(page, args);
        const booked = [];
        page.on('response', async (r) => {
            if (r.url().endsWith('/api/bookings') && r.ok()) booked.push((await r.json()).code);
        });
        await step('stop the database');
        await page.click('#submit');
        await visible(page, '#problem-retry');
        assert.match(await text(page, '#problem-text'), /Try again in [1-9]\d* seconds\.$/);
        assert.equal(await page.$eval('#book', (f) => f.hidden), false, 'the form stays, filled in');
        assert.equal(await page.$eval('#plate', (i) => i.value), args.plate);
        await step('start the database');
        let refused = 1;
        for (;;) {
            const gone = page.waitForFunction(() => location.pathname.startsWith('/pay/'), { timeout: 15000 }).then(() => true, () => false);
            await page.click('#problem-retry');
            if (await gone) break;
            assert.ok(++refused < 20, 'booking stays refused with the database back');
            await visible(page, '#problem-retry');
            await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        assert.equal(booked.length, 1);
        return { code: booked[0], refused };
    },

    // A plate the booking engine refuses: its message next to the plate
    // field, the field marked and focused, nothing booked.
    async badplate(browser) {
        const page = await open(browser);
        await chooseWash(page, args.service, args.vehicle);
        const start = await takeNext(page);
        await fillDetails(page, args);
        await page.click('#submit');
        await visible(page, '#plate-error');
        const expected = await api('POST', '/api/bookings', { service: args.service, start, vehicle: args.vehicle,
            plate: args.plate, name: args.name, phone: args.phone });
        assert.equal(expected.status, 400);
        assert.equal(expected.body.error.field, 'plate');
        assert.equal(await text(page, '#plate-error'), expected.body.error.message);
        assert.equal(await page.$eval('#plate', (i) => i.getAttribute('aria-invalid')), 'true');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'plate');
        assert.equal(await page.$eval('#book', (f) => f.hidden), false);
        noErrors(page);
        return { message: expected.body.error.message };
    },

    // A browser that prefers Spanish: the page and the server's messages in
    // Spanish; the switch turns it German.
    async spanish(browser) {
        const page = await open(browser);
        assert.deepEqual(await page.evaluate(() => navigator.languages[0]), 'es-ES');
        assert.equal(await text(page, 'h1'), 'Reserve un lavado');
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
        assert.equal(await page.$eval('#language', (s) => s.value), 'es');
        assert.equal(await text(page, '#submit'), 'Reservar y pagar');
        await chooseWash(page, args.service, args.vehicle);
        const start = await takeNext(page);
        await fillDetails(page, args);
        await page.click('#submit');
        await visible(page, '#plate-error');
        const body = { service: args.service, start, vehicle: args.vehicle, plate: args.plate, name: args.name, phone: args.phone };
        const es = await api('POST', '/api/bookings', body, 'es');
        const en = await api('POST', '/api/bookings', body, 'en');
        assert.notEqual(es.body.error.message, en.body.error.message, 'the server has a Spanish message');
        assert.equal(await text(page, '#plate-error'), es.body.error.message);
        await page.select('#language', 'de');
        assert.equal(await text(page, 'h1'), 'Autowäsche buchen');
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
        noErrors(page);
        return { message: es.body.error.message };
    },

    // A booking found by its code and plate (typed as people type them),
    // a wrong plate finding nothing, then moved and cancelled from the page.
    async lookup(browser) {
        const page = await open(browser);
        await page.type('#find-code', args.code.toLowerCase());
        await page.type('#find-plate', args.wrongPlate);
        await page.click('#find-submit');
        await visible(page, '#find-code-error');
        assert.equal(await page.$eval('#booking', (s) => s.hidden), true);
        await page.$eval('#find-plate', (i) => { i.value = ''; });
        await page.type('#find-plate', args.typedPlate);
        await page.click('#find-submit');
        await visible(page, '#booking');
        assert.equal(await text(page, '#booking-code'), args.code);
        assert.match(await text(page, '#booking-status'), /^Reserved until/);
        assert.equal(await readQr(page), args.code);
        // Moved to another free time that day, then cancelled.
        await page.click('#move-open');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'move-day');
        await page.click('#move-show');
        await page.waitForSelector('#move-slots button');
        const was = await page.$eval('dd[data-key=d_time]', (d) => d.textContent);
        // The time picked is taken from outside (every bay) meanwhile: the
        // page offers the alternatives, and one of them moves the booking.
        const target = await page.$$eval('#move-slots button', (bs) => bs[bs.length - 1].dataset.start);
        const booking = (await api('GET', `/api/bookings/${args.code}?plate=${encodeURIComponent(args.typedPlate)}`)).body;
        const day = await api('GET', `/api/availability?date=${target.slice(0, 10)}&service=${booking.service.id}&vehicle=${booking.vehicle}`);
        const slot = day.body.find((s) => s.start === target);
        assert.ok(slot, 'the time shown is in the day\'s list');
        for (const [i, bay] of slot.bays.entries()) {
            const made = await api('POST', '/api/bookings', { service: booking.service.id, start: target,
                vehicle: booking.vehicle, bay: bay.id, plate: `MOVE ${i + 1}`, name: 'Someone Else', phone: '+1 555 0199' });
            assert.equal(made.status, 201);
        }
        await page.click('#move-slots button:last-of-type');
        await visible(page, '#move-taken');
        assert.match(await text(page, '#move-taken-text'), /Choose one of these/);
        const offered = await page.$$eval('#move-alternatives button', (bs) => bs.map((b) => b.dataset.start));
        assert.ok(offered.length > 0 && !offered.includes(target), 'alternatives, not the taken time');
        assert.equal(await page.evaluate(() => document.activeElement.parentElement.id), 'move-alternatives');
        const moved = offered[offered.length - 1];
        await page.click('#move-alternatives button:last-of-type');
        await page.waitForFunction(() => document.getElementById('notice').textContent.startsWith('Moved to'));
        assert.equal(await page.$eval('#move-taken', (d) => d.hidden), true);
        assert.notEqual(await page.$eval('dd[data-key=d_time]', (d) => d.textContent), was);
        await page.click('#cancel');
        await page.waitForFunction(() => document.getElementById('booking-status').textContent === 'Cancelled.');
        assert.equal(await text(page, '#notice'), `Booking ${args.code} is cancelled.`);
        assert.equal(await page.$eval('#cancel', (b) => b.hidden), true);
        noErrors(page);
        return { moved, taken: target };
    },

    // Keyboard only: Tab, Space and Enter reach and complete a booking,
    // and pay.
    async keyboard(browser) {
        const page = await open(browser, { width: 1280, height: 800 });
        await tabTo(page, 'input[name=service]');
        await page.keyboard.press('Space');
        while (await page.evaluate((id) => document.activeElement.value !== String(id), args.service))
            await page.keyboard.press('ArrowDown');
        await visible(page, '#next');
        await tabTo(page, '#next');
        const start = await page.$eval('#next', (b) => b.dataset.start);
        await page.keyboard.press('Enter');
        await tabTo(page, '#plate');
        await page.keyboard.type(args.plate);
        await tabTo(page, '#name');
        await page.keyboard.type(args.name);
        await tabTo(page, '#phone');
        await page.keyboard.type(args.phone);
        await tabTo(page, '#submit');
        await page.keyboard.press('Enter');
        await payAtCheckout(page, { keyboard: true });
        const code = await confirmedBooking(page);
        noErrors(page);
        return { code, start };
    },

    // The README's pictures: a phone (360x740) and a desktop (1280x800),
    // choosing, times, details, the confirmation; and in Spanish.
    async screenshots(browser) {
        mkdirSync(args.out, { recursive: true });
        const shoot = async (page, name) => page.screenshot({ path: `${args.out}/${name}.png` });
        const run = async (size, first, device) => {
            const page = await open(browser, size);
            // Scrolled at once, not smoothly, so each picture is where it stops.
            await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
            await chooseWash(page, args.service, args.vehicle);
            await page.$$eval('#addons input', (boxes) => boxes[0] && boxes[0].click());
            await page.evaluate(() => window.scrollTo(0, 0));
            await shoot(page, `${first}-web-${device}-choose`);
            await page.$eval('#day', (d, day) => { d.value = day; }, args.day);
            await page.click('#show-day');
            await page.waitForSelector('#slots button');
            const buttons = await page.$$('#slots button');
            await buttons[Math.min(3, buttons.length - 1)].click();
            await page.evaluate(() => document.getElementById('h-time').scrollIntoView());
            await shoot(page, `${first + 1}-web-${device}-times`);
            await fillDetails(page, { ...args, plate: `${args.plate}${first}` });
            await page.evaluate(() => document.getElementById('h-you').scrollIntoView());
            await shoot(page, `${first + 2}-web-${device}-details`);
            await page.click('#submit');
            await payAtCheckout(page);
            await confirmedBooking(page);
            await page.evaluate(() => window.scrollTo(0, 0));
            await shoot(page, `${first + 3}-web-${device}-confirmation`);
            noErrors(page);
            await page.close();
        };
        await run({ width: 360, height: 740 }, 64, 'phone');
        await run({ width: 1280, height: 800 }, 68, 'desktop');
        const page = await open(browser, { width: 360, height: 740 });
        await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
        await page.select('#language', 'es');
        await chooseWash(page, args.service, args.vehicle);
        await page.click('#next');
        await fillDetails(page, { ...args, plate: '%%' });
        await page.click('#submit');
        await visible(page, '#plate-error');
        await page.evaluate(() => document.getElementById('h-you').scrollIntoView());
        await shoot(page, '72-web-phone-details-es');
        await page.select('#language', 'en');
        await page.close();
        return {};
    },
};

const run = scenarios[scenario];
if (!run || !base) {
    console.error(`usage: node bookingpage-browser.mjs ${Object.keys(scenarios).join('|')} '{"base": "http://…", …}'`);
    process.exit(2);
}
const browser = await launch(scenario === 'spanish' ? 'es-ES' : 'en-US');
try {
    const result = await run(browser);
    console.log(`RESULT ${JSON.stringify(result)}`);
    await browser.close();
    input.close();
} catch (e) {
    console.error(`${scenario}: ${e.stack || e}`);
    // Where it stood, to see what went wrong.
    for (const page of await browser.pages()) {
        console.error(`  at ${page.url()}: ${(await page.evaluate(() => document.body && document.body.innerText).catch(() => '')).slice(0, 1500)}`);
        if (page.errors && page.errors.length) console.error(`  page errors: ${page.errors.join('; ')}`);
    }
    await browser.close();
    process.exit(1);
}
