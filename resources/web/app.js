// The booking page: choose a wash, a vehicle and extras; take the next free
// time or pick one on a day; give plate, name and phone or e-mail; book (one
// Idempotency-Key per attempt, so a double click or a retry books once) and
// pay by Stripe Checkout; see the code and its QR code; find, move or cancel
// a booking by code and plate. Every call to /api sends the page's language
// so the server's messages match. No framework, no outside requests.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const TEXTS = window.CarWashTexts;
  const STORE = 'carwash.booking'; // {code, plate}: remembered across the trip to Checkout
  const LANG_STORE = 'carwash.language';

  const state = {
    lang: 'en', services: [], service: null, start: null, attempt: null, booking: null, plate: '', polls: 0,
  };

  // Language ----------------------------------------------------------------
  function pickLanguage() {
    const chosen = localStorage.getItem(LANG_STORE);
    if (chosen && TEXTS[chosen]) return chosen;
    for (const tag of navigator.languages || [navigator.language || 'en']) {
      const base = String(tag).toLowerCase().split('-')[0];
      if (TEXTS[base]) return base;
    }
    return 'en';
  }
  function t(key, values = {}) {
    const text = (TEXTS[state.lang] && TEXTS[state.lang][key]) || TEXTS.en[key] || key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (values[name] !== undefined ? values[name] : ''));
  }
  function applyLanguage() {
    document.documentElement.lang = state.lang;
    $('language').value = state.lang;
    document.title = t('title');
    document.querySelectorAll('[data-t]').forEach((el) => { el.textContent = t(el.dataset.t); });
  }

  // Formatting: times are shown as the site's wall clock (the offset the API
  // gives), whatever the phone's own time zone.
  function wallClock(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || '');
    return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5])) : null;
  }
  function fmt(iso, options) {
    const d = wallClock(iso);
    return d ? new Intl.DateTimeFormat(state.lang, { timeZone: 'UTC', ...options }).format(d) : '';
  }
  const timeOf = (iso) => fmt(iso, { hour: '2-digit', minute: '2-digit' });
  const dayOf = (iso) => fmt(iso, { weekday: 'long', day: 'numeric', month: 'long' });
  const whenOf = (iso) => fmt(iso, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  function money(cents, currency) {
    try {
      return new Intl.NumberFormat(state.lang, { style: 'currency', currency: currency || 'USD' }).format(cents / 100);
    } catch {
      return `${(cents / 100).toFixed(2)} ${currency}`;
    }
  }

  // The API ----------------------------------------------------------------
  async function api(method, path, body, headers = {}) {
    const init = { method, headers: { Accept: 'application/json', 'Accept-Language': state.lang, ...headers } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch {
      return { ok: false, status: 0, body: null };
    }
    let json = null;
    try { json = await response.json(); } catch { json = null; }
    return { ok: response.ok, status: response.status, body: json, retryAfter: Number(response.headers.get('Retry-After')) || 0 };
  }
  // Spaces as %20, not URLSearchParams' "+", which the server reads as a plus.
  function query(params) {
    const parts = [];
    Object.entries(params).forEach(([k, v]) => [].concat(v).forEach((x) => parts.push(`${k}=${encodeURIComponent(x)}`)));
    return parts.join('&');
  }

  // Messages ---------------------------------------------------------------
  function notice(text) {
    $('notice').textContent = text || '';
    $('notice').hidden = !text;
  }
  let retryAction = null;
  function problem(text, retry = null) {
    $('problem-text').textContent = text || '';
    $('problem').hidden = !text;
    retryAction = retry;
    $('problem-retry').hidden = !retry;
  }
  // What a failed call means for the customer, with a way on where there is one.
  function explain(result, retry) {
    if (result.status === 0) return problem(t('offline'), retry);
    const error = (result.body && result.body.error) || {};
    if (result.status === 503 || result.status === 429) {
      const n = result.retryAfter || (result.status === 503 ? 5 : 30);
      const text = error.message ? `${error.message} ${t('retryIn', { n })}` : t(result.status === 503 ? 'busy' : 'tooMany', { n });
      return problem(text, retry);
    }
    if (result.status >= 500) return problem(t('failed'), retry);
    return problem(error.message || t('failed'), retry);
  }
  const FIELD_TARGETS = { plate: 'plate', name: 'name', phone: 'phone', email: 'email', start: 'start', service: 'service',
    vehicle: 'vehicle', addons: 'addons', addon: 'addons', bay: 'start' };
  function clearFieldErrors(root = document) {
    root.querySelectorAll('.field-error').forEach((p) => { p.hidden = true; p.textContent = ''; });
    root.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  }
  function fieldError(id, message) {
    const p = $(`${id}-error`);
    if (!p) return false;
    p.textContent = message;
    p.hidden = false;
    const input = $(id);
    if (input) input.setAttribute('aria-invalid', 'true');
    return true;
  }
  // Puts the envelope's field messages next to their fields; true when all
  // found a place. The first wrong field gets the focus.
  function showFieldErrors(error, map = FIELD_TARGETS, prefix = '') {
    const list = error.fields || (error.field ? [{ field: error.field, message: error.message }] : []);
    let placed = list.length > 0;
    let first = null;
    list.forEach(({ field, message }) => {
      const id = map[field] ? prefix + map[field] : null;
      if (!id || !fieldError(id, message)) placed = false;
      else if (!first) first = id;
    });
    if (first) {
      const input = $(first) || $(`${first}-set`) || $(`${first}-error`);
      const target = input && input.matches('input, select, button') ? input : document.querySelector(`#${first}-set input`);
      if (target) target.focus();
    }
    return placed;
  }

  // Choosing ---------------------------------------------------------------
  const vehicle = () => document.querySelector('input[name=vehicle]:checked').value;
  const addons = () => Array.from(document.querySelectorAll('#addons input:checked')).map((i) => Number(i.value));

  async function loadServices() {
    const result = await api('GET', '/api/services');
    if (!result.ok) return explain(result, loadServices);
    problem('');
    state.services = (result.body || []).filter((s) => s.active !== false);
    renderServices();
  }
  function renderServices() {
    const box = $('services');
    box.textContent = '';
    const v = vehicle();
    state.services.forEach((s) => {
      const price = s.price_cents && s.price_cents[v];
      const label = document.createElement('label');
      label.className = 'choice';
      const input = document.createElement('input');
      Object.assign(input, { type: 'radio', name: 'service', value: String(s.id), disabled: price === undefined });
      input.checked = state.service && state.service.id === s.id && price !== undefined;
      const what = document.createElement('span');
      what.className = 'what';
      what.textContent = s.name;
      const small = document.createElement('small');
      small.textContent = [s.description, t('minutes', { n: s.duration_minutes })].filter(Boolean).join(' · ');
      what.append(small);
      const cost = document.createElement('span');
      cost.className = 'price';
      cost.textContent = price === undefined ? t('notForVehicle') : money(price, s.currency);
      label.append(input, what, cost);
      box.append(label);
    });
    if (state.service && !(state.service.price_cents || {})[v]) state.service = null;
    renderAddons();
    renderTotal();
  }
  function renderAddons() {
    const box = $('addons');
    const kept = new Set(addons());
    box.textContent = '';
    const list = state.service ? state.service.addons.filter((a) => a.active !== false) : [];
    $('addons-set').hidden = list.length === 0;
    list.forEach((a) => {
      const label = document.createElement('label');
      label.className = 'choice';
      const input = document.createElement('input');
      Object.assign(input, { type: 'checkbox', value: String(a.id), checked: kept.has(a.id) });
      const what = document.createElement('span');
      what.className = 'what';
      what.textContent = a.name;
      const cost = document.createElement('span');
      cost.className = 'price';
      cost.textContent = `+ ${money(a.price_cents, state.service.currency)}`;
      label.append(input, what, cost);
      box.append(label);
    });
  }
  function renderTotal() {
    const s = state.service;
    const base = s && s.price_cents[vehicle()];
    if (base === undefined || !s) { $('total').textContent = ''; return; }
    const extra = s.addons.filter((a) => addons().includes(a.id)).reduce((sum, a) => sum + a.price_cents, 0);
    $('total').textContent = t('total', { price: money(base + extra, s.currency) });
  }
  // The choice changed: the times shown are for another wash now.
  function choiceChanged() {
    choose(null);
    $('slots').textContent = '';
    $('taken').hidden = true;
    renderTotal();
    loadNext();
  }

  function slotParams(extra = {}) {
    return { service: state.service.id, vehicle: vehicle(), addon: addons(), ...extra };
  }
  async function loadNext() {
    const button = $('next');
    button.hidden = true;
    if (!state.service) { $('next-text').textContent = t('chooseWashFirst'); return; }
    const asked = query(slotParams());
    const result = await api('GET', `/api/next?${asked}`);
    if (!state.service || query(slotParams()) !== asked) return; // chosen again meanwhile
    if (result.status === 404) { $('next-text').textContent = t('noNext'); return; }
    if (!result.ok) return explain(result, loadNext);
    $('next-text').textContent = t('nextFree');
    button.textContent = whenOf(result.body.start);
    button.dataset.start = result.body.start;
    button.setAttribute('aria-pressed', String(state.start === result.body.start));
    button.hidden = false;
  }
  function slotButton(slot, onPick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'slot';
    b.textContent = timeOf(slot.start);
    b.setAttribute('aria-label', whenOf(slot.start));
    b.dataset.start = slot.start;
    b.setAttribute('aria-pressed', String(state.start === slot.start));
    b.addEventListener('click', () => onPick(slot.start));
    return b;
  }
  async function loadDay(dayInput, box, onPick, params) {
    clearFieldErrors(box.parentElement);
    const day = dayInput.value;
    box.textContent = '';
    if (!day) { dayInput.focus(); return; }
    const result = await api('GET', `/api/availability?${query({ date: day, ...params })}`);
    if (!result.ok) {
      if (result.status === 400 && result.body && result.body.error) return problem(result.body.error.message);
      return explain(result, () => loadDay(dayInput, box, onPick, params));
    }
    problem('');
    const heading = document.createElement('p');
    heading.className = 'muted slots-heading';
    heading.textContent = result.body.length ? t('timesOn', { day: dayOf(`${day}T00:00`) }) : t('noTimes');
    box.append(heading);
    result.body.forEach((slot) => box.append(slotButton(slot, onPick)));
  }
  function choose(start) {
    state.start = start;
    document.querySelectorAll('#book .slot').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.start === start)));
    $('chosen').hidden = !start;
    $('chosen').textContent = start ? t('chosen', { time: whenOf(start) }) : '';
    if (start) $('start-error').hidden = true;
  }

  // Booking ----------------------------------------------------------------
  function bookingBody() {
    const body = { service: state.service && state.service.id, start: state.start, vehicle: vehicle(), addons: addons(),
      plate: $('plate').value.trim(), name: $('name').value.trim() };
    const phone = $('phone').value.trim();
    const email = $('email').value.trim();
    if (phone) body.phone = phone;
    if (email) body.email = email;
    return body;
  }
  // The same body again (a retry, a second click) keeps its key: the server
  // answers the booking already made instead of making another.
  function keyFor(body) {
    const text = JSON.stringify(body);
    if (!state.attempt || state.attempt.body !== text) {
      const key = crypto.randomUUID ? crypto.randomUUID()
        : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
      state.attempt = { body: text, key: `web-${key}` };
    }
    return state.attempt.key;
  }
  let busy = false;
  async function submit(event) {
    if (event) event.preventDefault();
    if (busy) return;
    clearFieldErrors($('book'));
    problem('');
    $('taken').hidden = true;
    const body = bookingBody();
    // What the page can tell at once; the server checks everything again.
    let missing = false;
    if (!state.service) missing = fieldError('service', t('washMissing')) || true;
    if (!state.start) missing = fieldError('start', t('chooseTimeFirst')) || true;
    if (!body.phone && !body.email) missing = fieldError('phone', t('contactMissing')) || true;
    if (missing) {
      const first = document.querySelector('#book .field-error:not([hidden])');
      const field = first && first.closest('fieldset, .field, section');
      const focusable = field && field.querySelector('input:not([disabled]), button');
      if (focusable) focusable.focus();
      return;
    }
    busy = true;
    $('submit').disabled = true;
    $('submit').textContent = t('booking');
    try {
      const result = await api('POST', '/api/bookings', body, { 'Idempotency-Key': keyFor(body) });
      if (result.ok) {
        state.attempt = null;
        remember(result.body.code, body.plate);
        showBooking(result.body);
        await pay();
        return;
      }
      const error = (result.body && result.body.error) || {};
      if (result.status === 409 && error.code === 'slot_taken') {
        choose(null);
        return offerAlternatives('', error.message, result.body.alternatives || [], (start) => { choose(start); submit(); });
      }
      if (result.status === 400 && showFieldErrors(error)) return;
      explain(result, submit);
    } finally {
      busy = false;
      $('submit').disabled = false;
      $('submit').textContent = t('bookAndPay');
    }
  }
  // A time taken meanwhile: the server's alternatives, one press from
  // trying again (booking or moving). prefix names the page's elements.
  function offerAlternatives(prefix, message, alternatives, onPick) {
    const box = $(`${prefix}alternatives`);
    $(`${prefix}taken`).hidden = false;
    $(`${prefix}taken-text`).textContent = `${message} ${t('slotTaken')}`;
    box.textContent = '';
    alternatives.forEach((slot) => {
      const b = slotButton(slot, (start) => { $(`${prefix}taken`).hidden = true; onPick(start); });
      b.textContent = whenOf(slot.start);
      box.append(b);
    });
    const first = box.querySelector('button');
    if (first) first.focus();
  }

  // A booking --------------------------------------------------------------
  function remember(code, plate) {
    state.plate = plate;
    try { sessionStorage.setItem(STORE, JSON.stringify({ code, plate })); } catch { /* private mode: the page still shows it */ }
  }
  function showBooking(b) {
    state.booking = b;
    $('book').hidden = true;
    $('booking').hidden = false;
    $('booking-code').textContent = b.code;
    const status = t(`status_${b.status}`, { time: timeOf(b.hold_expires_at) });
    $('booking-status').textContent = status;
    const canvas = $('qr');
    window.CarWashQr.draw(canvas, b.code);
    canvas.setAttribute('aria-label', t('qrLabel', { code: b.code.split('').join(' ') }));
    canvas.dataset.code = b.code;
    const rows = [
      ['d_wash', b.service.name], ['d_vehicle', t(b.vehicle)],
      ['d_extras', b.addons.map((a) => a.name).join(', ')], ['d_time', whenOf(b.start)], ['d_bay', b.bay],
      ['d_price', money(b.price_cents, b.currency)], ['d_payment', b.paid ? t('paidNote') : t('unpaidNote')],
    ];
    const dl = $('booking-details');
    dl.textContent = '';
    rows.filter(([, v]) => v).forEach(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = t(k);
      const dd = document.createElement('dd');
      dd.textContent = v;
      dd.dataset.key = k;
      dl.append(dt, dd);
    });
    const active = ['held', 'confirmed'].includes(b.status);
    $('pay').hidden = !(b.status === 'held' && !b.paid);
    $('move-open').hidden = !active;
    $('cancel').hidden = !active;
    $('move-box').hidden = true;
  }
  async function pay() {
    const b = state.booking;
    problem('');
    notice(t('paying'));
    $('pay').disabled = true;
    const result = await api('POST', `/api/bookings/${encodeURIComponent(b.code)}/checkout`, {});
    $('pay').disabled = false;
    if (result.ok && result.body.url) {
      window.location.assign(result.body.url);
      return;
    }
    notice('');
    explain(result, pay);
    $('booking').focus();
  }
  async function lookup(code, plate) {
    return api('GET', `/api/bookings/${encodeURIComponent(code)}?${query({ plate })}`);
  }
  // Back from Checkout: the booking is confirmed by Stripe's event, which may
  // arrive a moment after the customer does; look again for a while.
  async function returnFromCheckout(paid) {
    history.replaceState(null, '', '/');
    let saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(STORE) || 'null'); } catch { saved = null; }
    if (!saved) {
      notice(paid ? t('thanksPaid') : t('notPaidNoBooking'));
      return;
    }
    state.plate = saved.plate;
    const result = await lookup(saved.code, saved.plate);
    if (!result.ok) return explain(result, () => returnFromCheckout(paid));
    showBooking(result.body);
    if (!paid) { notice(t('notPaid')); return; }
    if (result.body.status === 'held') {
      notice(t('confirming'));
      if (state.polls++ < 30) setTimeout(() => returnFromCheckoutPoll(saved), 2000);
      else notice(t('notConfirmedYet'));
    } else {
      notice('');
    }
    $('booking').focus();
  }
  async function returnFromCheckoutPoll(saved) {
    const result = await lookup(saved.code, saved.plate);
    if (result.ok) {
      showBooking(result.body);
      if (result.body.status !== 'held') { notice(''); return; }
    }
    if (state.polls++ < 30) setTimeout(() => returnFromCheckoutPoll(saved), 2000);
    else notice(t('notConfirmedYet'));
  }
  async function find(event) {
    event.preventDefault();
    clearFieldErrors($('find'));
    problem('');
    notice('');
    const code = $('find-code').value.trim().toUpperCase();
    const plate = $('find-plate').value.trim();
    let missing = false;
    if (!/^[0-9A-Z]{6}$/.test(code)) missing = fieldError('find-code', t('codeMissing')) || true;
    if (!plate) missing = fieldError('find-plate', t('plateMissing')) || true;
    if (missing) { document.querySelector('#find [aria-invalid=true]').focus(); return; }
    const result = await lookup(code, plate);
    if (result.ok) {
      remember(code, plate);
      showBooking(result.body);
      $('booking').focus();
      return;
    }
    const error = (result.body && result.body.error) || {};
    if (result.status === 404) { fieldError('find-code', error.message || t('failed')); $('find-code').focus(); return; }
    if (result.status === 400 && showFieldErrors(error, { plate: 'plate', code: 'code' }, 'find-')) return;
    explain(result, () => find(event));
  }
  async function cancelBooking() {
    const b = state.booking;
    if (!window.confirm(t('confirmCancel', { code: b.code }))) return;
    const result = await api('POST', `/api/bookings/${encodeURIComponent(b.code)}/cancel`, { plate: state.plate });
    if (!result.ok) return explain(result, cancelBooking);
    problem('');
    showBooking(result.body);
    const refund = result.body.refunded_cents > 0 ? ` ${t('refunded', { amount: money(result.body.refunded_cents, b.currency) })}` : '';
    notice(t('cancelled', { code: b.code }) + refund);
    $('booking').focus();
  }
  function openMove() {
    $('move-box').hidden = false;
    $('move-day').value = state.booking.start.slice(0, 10);
    $('move-day').focus();
  }
  function showMoveTimes() {
    const b = state.booking;
    $('move-taken').hidden = true;
    loadDay($('move-day'), $('move-slots'), moveTo,
      { service: b.service.id, vehicle: b.vehicle, addon: b.addons.map((a) => a.id) });
  }
  async function moveTo(start) {
    const b = state.booking;
    const result = await api('POST', `/api/bookings/${encodeURIComponent(b.code)}/move`, { plate: state.plate, start });
    if (!result.ok) {
      const error = (result.body && result.body.error) || {};
      if (result.status === 409 && error.code === 'slot_taken') {
        $('move-slots').textContent = '';
        return offerAlternatives('move-', error.message, result.body.alternatives || [], moveTo);
      }
      return explain(result, () => moveTo(start));
    }
    $('move-taken').hidden = true;
    problem('');
    showBooking(result.body);
    notice(t('moved', { time: whenOf(result.body.start) }));
    $('booking').focus();
  }
  function bookAnother() {
    state.booking = null;
    state.attempt = null;
    notice('');
    problem('');
    $('booking').hidden = true;
    $('book').hidden = false;
    choose(null);
    $('slots').textContent = '';
    loadNext();
    $('h-wash').scrollIntoView();
    const first = document.querySelector('input[name=vehicle]:checked');
    if (first) first.focus();
  }

  // Start --------------------------------------------------------------------
  function today() {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }
  function start() {
    state.lang = pickLanguage();
    applyLanguage();
    $('day').value = today();
    $('day').min = today();
    $('language').addEventListener('change', () => {
      state.lang = $('language').value;
      localStorage.setItem(LANG_STORE, state.lang);
      applyLanguage();
      renderServices();
      choose(state.start);
      if (state.booking) showBooking(state.booking);
      loadNext();
    });
    document.querySelectorAll('input[name=vehicle]').forEach((r) => r.addEventListener('change', () => { renderServices(); choiceChanged(); }));
    $('services').addEventListener('change', (e) => {
      state.service = state.services.find((s) => String(s.id) === e.target.value) || null;
      clearFieldErrors($('service-set'));
      renderAddons();
      choiceChanged();
    });
    $('addons').addEventListener('change', choiceChanged);
    $('next').addEventListener('click', () => choose($('next').dataset.start));
    $('show-day').addEventListener('click', () => state.service
      ? loadDay($('day'), $('slots'), choose, slotParams())
      : fieldError('service', t('washMissing')));
    $('book').addEventListener('submit', submit);
    $('problem-retry').addEventListener('click', () => { const again = retryAction; problem(''); if (again) again(); });
    $('pay').addEventListener('click', pay);
    $('cancel').addEventListener('click', cancelBooking);
    $('move-open').addEventListener('click', openMove);
    $('move-show').addEventListener('click', showMoveTimes);
    $('again').addEventListener('click', bookAnother);
    $('find').addEventListener('submit', find);
    loadServices();
    const back = new URLSearchParams(window.location.search).get('checkout');
    if (back === 'done' || back === 'cancelled') returnFromCheckout(back === 'done');
  }
  start();
})();
