// Stripe's request encoding: application/x-www-form-urlencoded with nested
// keys (`line_items[0][price_data][unit_amount]=1200`, `metadata[k]=v`,
// `payment_method_types[]=card_present`). Decoded two ways: flat (each key
// once, `[]` numbered in order) for the request log and idempotency
// fingerprints, and nested (objects, arrays where every key is an index)
// for the handlers.

export class FormError extends Error {
    constructor(message, param) {
        super(message);
        this.param = param;
    }
}

const keyPattern = /^([^\[\]]+)((?:\[[^\[\]]*\])*)$/;

// Returns {flat, nested}; throws FormError on a key Stripe would refuse.
export function parseForm(raw) {
    const flat = {};
    const nextIndex = new Map(); // prefix of a `[]` key -> next number
    for (const [key, value] of new URLSearchParams(raw ?? '')) {
        const m = keyPattern.exec(key);
        if (!m) {
            throw new FormError(`Invalid parameter name: ${key}`, key);
        }
        // Number each `[]` like the official libraries' [0], [1], ...
        let name = m[1];
        for (const seg of m[2].match(/\[[^\[\]]*\]/g) ?? []) {
            if (seg === '[]') {
                const i = nextIndex.get(name) ?? 0;
                nextIndex.set(name, i + 1);
                name += `[${i}]`;
            } else {
                name += seg;
            }
        }
        flat[name] = value;
    }
    return { flat, nested: nest(flat) };
}

function nest(flat) {
    const root = {};
    for (const [key, value] of Object.entries(flat)) {
        const m = keyPattern.exec(key);
        const path = [m[1], ...(m[2].match(/\[[^\[\]]*\]/g) ?? []).map((s) => s.slice(1, -1))];
        let node = root;
        for (let i = 0; i < path.length; ++i) {
            const seg = path[i];
            const last = i === path.length - 1;
            if (last) {
                if (typeof node[seg] === 'object') {
                    throw new FormError(`Invalid parameter: ${key} is both a value and a hash`, key);
                }
                node[seg] = value;
            } else {
                if (node[seg] === undefined) {
                    node[seg] = {};
                } else if (typeof node[seg] !== 'object') {
                    throw new FormError(`Invalid parameter: ${key} is both a value and a hash`, key);
                }
                node = node[seg];
            }
        }
    }
    return arrays(root, null);
}

// Hashes whose keys are all indexes become arrays in index order, except
// under metadata, where keys are the caller's own strings.
function arrays(node, name) {
    if (typeof node !== 'object') {
        return node;
    }
    const keys = Object.keys(node);
    for (const k of keys) {
        node[k] = arrays(node[k], k);
    }
    if (name !== 'metadata' && keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
        return keys.map(Number).sort((a, b) => a - b).map((i) => node[String(i)]);
    }
    return node;
}
