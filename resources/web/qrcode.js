// A small QR code encoder for the booking page: byte mode, error correction
// level M (as the kiosk's and receipts' libqrencode codes), versions 1 to 6
// (up to 106 bytes: a confirmation code needs version 1). Written for this
// page after ISO/IEC 18004 and Project Nayuki's public-domain-style
// description of the algorithm; no outside code. CarWashQr.encode(text)
// answers {size, dark(x, y)}; CarWashQr.draw(canvas, text) paints it black on
// white with the four-module quiet zone.
'use strict';
window.CarWashQr = (() => {
  // Level M, versions 1..6: data codewords, EC codewords per block, blocks.
  const VERSIONS = [null,
    { data: 16, ec: 10, blocks: 1, align: [] },
    { data: 28, ec: 16, blocks: 1, align: [6, 18] },
    { data: 44, ec: 26, blocks: 1, align: [6, 22] },
    { data: 64, ec: 18, blocks: 2, align: [6, 26] },
    { data: 86, ec: 24, blocks: 2, align: [6, 30] },
    { data: 108, ec: 16, blocks: 4, align: [6, 34] },
  ];

  function gfMultiply(x, y) {
    let z = 0;
    for (let i = 7; i >= 0; i--) {
      z = (z << 1) ^ ((z >>> 7) * 0x11d);
      z ^= ((y >>> i) & 1) * x;
    }
    return z & 0xff;
  }

  function rsDivisor(degree) {
    const result = new Array(degree).fill(0);
    result[degree - 1] = 1;
    let root = 1;
    for (let i = 0; i < degree; i++) {
      for (let j = 0; j < degree; j++) {
        result[j] = gfMultiply(result[j], root);
        if (j + 1 < degree) result[j] ^= result[j + 1];
      }
      root = gfMultiply(root, 2);
    }
    return result;
  }

  function rsRemainder(data, divisor) {
    const result = new Array(divisor.length).fill(0);
    for (const b of data) {
      const factor = b ^ result.shift();
      result.push(0);
      divisor.forEach((coef, i) => { result[i] ^= gfMultiply(coef, factor); });
    }
    return result;
  }

  function codewords(bytes, v) {
    const info = VERSIONS[v];
    const bits = [];
    const put = (value, count) => { for (let i = count - 1; i >= 0; i--) bits.push((value >>> i) & 1); };
    put(4, 4); // byte mode
    put(bytes.length, 8);
    bytes.forEach((b) => put(b, 8));
    const capacity = info.data * 8;
    put(0, Math.min(4, capacity - bits.length));
    while (bits.length % 8) bits.push(0);
    const data = [];
    for (let i = 0; i < bits.length; i += 8) data.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
    for (let pad = 0xec; data.length < info.data; pad ^= 0xec ^ 0x11) data.push(pad);
    // Split into blocks, add each block's EC, interleave.
    const perBlock = info.data / info.blocks;
    const divisor = rsDivisor(info.ec);
    const blocks = [];
    for (let b = 0; b < info.blocks; b++) {
      const d = data.slice(b * perBlock, (b + 1) * perBlock);
      blocks.push({ d, e: rsRemainder(d, divisor) });
    }
    const out = [];
    for (let i = 0; i < perBlock; i++) blocks.forEach((blk) => out.push(blk.d[i]));
    for (let i = 0; i < info.ec; i++) blocks.forEach((blk) => out.push(blk.e[i]));
    return out;
  }

  class Matrix {
    constructor(v) {
      this.size = v * 4 + 17;
      this.dark = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
      this.fixed = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
    }
    set(x, y, dark) { this.dark[y][x] = dark; this.fixed[y][x] = true; }
  }

  function drawFunctionPatterns(m, v) {
    const n = m.size;
    for (let i = 0; i < n; i++) { m.set(6, i, i % 2 === 0); m.set(i, 6, i % 2 === 0); }
    for (const [cx, cy] of [[3, 3], [n - 4, 3], [3, n - 4]]) {
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          const x = cx + dx, y = cy + dy;
          const dist = Math.max(Math.abs(dx), Math.abs(dy));
          if (x >= 0 && x < n && y >= 0 && y < n) m.set(x, y, dist !== 2 && dist !== 4);
        }
      }
    }
    const align = VERSIONS[v].align;
    const last = align.length - 1;
    align.forEach((ax, i) => align.forEach((ay, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++) m.set(ax + dx, ay + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
    }));
    drawFormat(m, 0); // reserves the format areas; drawn for real once the mask is chosen
  }

  function drawFormat(m, mask) {
    const data = (0 << 3) | mask; // level M is 00
    let rem = data;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    const bits = ((data << 10) | rem) ^ 0x5412;
    const bit = (i) => ((bits >>> i) & 1) !== 0;
    const n = m.size;
    for (let i = 0; i <= 5; i++) m.set(8, i, bit(i));
    m.set(8, 7, bit(6));
    m.set(8, 8, bit(7));
    m.set(7, 8, bit(8));
    for (let i = 9; i < 15; i++) m.set(14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) m.set(n - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) m.set(8, n - 15 + i, bit(i));
    m.set(8, n - 8, true); // the dark module
  }

  function drawData(m, words) {
    const n = m.size;
    let i = 0;
    for (let right = n - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      for (let vert = 0; vert < n; vert++) {
        for (let j = 0; j < 2; j++) {
          const x = right - j;
          const y = ((right + 1) & 2) === 0 ? n - 1 - vert : vert;
          if (!m.fixed[y][x] && i < words.length * 8) {
            m.dark[y][x] = ((words[i >>> 3] >>> (7 - (i & 7))) & 1) !== 0;
            i++;
          }
        }
      }
    }
  }

  const MASKS = [
    (x, y) => (x + y) % 2 === 0, (x, y) => y % 2 === 0, (x) => x % 3 === 0, (x, y) => (x + y) % 3 === 0,
    (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0, (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
    (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0, (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
  ];

  function applyMask(m, mask) {
    for (let y = 0; y < m.size; y++)
      for (let x = 0; x < m.size; x++) if (!m.fixed[y][x] && MASKS[mask](x, y)) m.dark[y][x] = !m.dark[y][x];
  }

  // The standard's penalty: runs, 2x2 blocks, finder-like patterns, balance.
  function penalty(m) {
    const n = m.size;
    let score = 0;
    const line = (get) => {
      let run = 1;
      for (let i = 1; i <= n; i++) {
        if (i < n && get(i) === get(i - 1)) { run++; continue; }
        if (run >= 5) score += 3 + (run - 5);
        run = 1;
      }
      const pattern = [true, false, true, true, true, false, true];
      for (let i = 0; i + 7 <= n; i++) {
        if (!pattern.every((p, k) => get(i + k) === p)) continue;
        const light = (from, to) => { for (let k = from; k < to; k++) if (k >= 0 && k < n && get(k)) return false; return true; };
        if (light(i - 4, i) || light(i + 7, i + 11)) score += 40;
      }
    };
    for (let y = 0; y < n; y++) line((x) => m.dark[y][x]);
    for (let x = 0; x < n; x++) line((y) => m.dark[y][x]);
    let darkCount = 0;
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        if (m.dark[y][x]) darkCount++;
        if (x + 1 < n && y + 1 < n) {
          const c = m.dark[y][x];
          if (m.dark[y][x + 1] === c && m.dark[y + 1][x] === c && m.dark[y + 1][x + 1] === c) score += 3;
        }
      }
    }
    const total = n * n;
    score += Math.floor(Math.abs(darkCount * 20 - total * 10) / total) * 10;
    return score;
  }

  function encode(text) {
    const bytes = Array.from(new TextEncoder().encode(text));
    let v = 1;
    while (v < VERSIONS.length && bytes.length + 2 > VERSIONS[v].data) v++;
    if (v >= VERSIONS.length) throw new RangeError('text too long for a QR code here');
    const words = codewords(bytes, v);
    let best = null;
    for (let mask = 0; mask < 8; mask++) {
      const m = new Matrix(v);
      drawFunctionPatterns(m, v);
      drawData(m, words);
      applyMask(m, mask);
      drawFormat(m, mask);
      const score = penalty(m);
      if (!best || score < best.score) best = { m, score };
    }
    const m = best.m;
    return { size: m.size, version: v, dark: (x, y) => m.dark[y][x] };
  }

  const QUIET = 4;
  function draw(canvas, text) {
    const qr = encode(text);
    const modules = qr.size + 2 * QUIET;
    const scale = Math.max(1, Math.floor(canvas.width / modules));
    const context = canvas.getContext('2d');
    const offset = Math.floor((canvas.width - scale * modules) / 2);
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = '#000';
    for (let y = 0; y < qr.size; y++)
      for (let x = 0; x < qr.size; x++)
        if (qr.dark(x, y)) context.fillRect(offset + (x + QUIET) * scale, offset + (y + QUIET) * scale, scale, scale);
    return qr;
  }

  return { encode, draw };
})();
