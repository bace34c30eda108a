/*
 * Verify a ledger entry in the browser, trusting neither the server's database
 * nor its staff: only the published verifier key (LEDGER_SPEC §1.1, §2, §3).
 *
 * Reusable API (no framework, no dependencies):
 *   LedgerVerify.verifyEntry(seq, {baseUrl}) -> Promise<result>
 *     result = {seq, ok, status: "verified" | "not_anchored" | "failed",
 *               step, detail, message, steps: [{step, ok, text}],
 *               checkpoint: {origin, size, root}, key: {name, keyIdHex, text, fingerprint},
 *               signedAt, leaf, entryHash, tofu: {state, previous}}
 *   and the algorithms it is built from: leafHash, keyId, parseVerifierKey,
 *   parseNote, openNote, parseCheckpoint, verifyInclusion, fingerprint, render.
 *
 * base.html loads this file on every page and puts the texts in the page's
 * language in <script id="ledger-verify-i18n">. Any
 *   <button type="button" class="verify-btn" data-verify-seq="123">…</button>
 *   <output data-verify-result-for="123" aria-live="polite"></output>
 * is bound on DOMContentLoaded (and by LedgerVerify.bind(root) for content added later).
 */
(function () {
  "use strict";
  if (window.LedgerVerify) return;

  const utf8 = new TextEncoder();
  const TOFU_KEY = "ledgerVerify.firstKey";

  const DEFAULT_TEXTS = {
    busy: "Verifying in your browser…",
    headline_ok: "Verified",
    headline_failed: "Verification failed",
    headline_pending: "Not anchored yet",
    verified: "This exact text is entry #%(seq)s of the public ledger, whose tree of %(size)s entries was " +
      "signed by key %(key)s at %(time)s.",
    verified_no_time: "This exact text is entry #%(seq)s of the public ledger, whose tree of %(size)s entries " +
      "was signed by key %(key)s.",
    not_anchored: "Entry #%(seq)s is recorded, but no signed checkpoint covers it yet (the latest covers " +
      "%(size)s entries). Retry after the next anchoring, usually within a minute.",
    failed: "Step “%(step)s” failed: %(detail)s",
    time_with_zone: "%(time)s (Beijing time)",
    fingerprint: "Key fingerprint (SHA-256 of the public key)",
    tofu_first: "This is the first ledger key this browser has seen; it will warn you if the key changes.",
    tofu_same: "Same ledger key as this browser first saw.",
    tofu_changed: "Warning: this key differs from the one this browser first saw (%(previous)s).",
    tofu_unavailable: "This browser does not let the page remember the key.",
    steps: {}, step_ok: {}, details: {},
  };

  class StepError extends Error {
    constructor(step, detail, params) {
      super(step + ": " + detail);
      this.step = step;
      this.detail = detail;
      this.params = params || {};
    }
  }

  function texts() {
    const el = document.getElementById("ledger-verify-i18n");
    if (!el) return DEFAULT_TEXTS;
    try {
      return Object.assign({}, DEFAULT_TEXTS, JSON.parse(el.textContent));
    } catch (e) {
      return DEFAULT_TEXTS;
    }
  }

  function fmt(template, params) {
    return String(template).replace(/%\((\w+)\)s/g, (m, name) => (name in params ? String(params[name]) : m));
  }

  // Bytes -----------------------------------------------------------------

  function b64decode(text) {
    if (typeof text !== "string" || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
      throw new Error("bad base64");
    }
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function b64encode(bytes) {
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function concat(...parts) {
    const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
    const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of arrays) { out.set(a, at); at += a.length; }
    return out;
  }

  function equalBytes(a, b) {
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
    return diff === 0;
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  // RFC 9162 §2.1.1 hashes --------------------------------------------------

  /** Leaf hash SHA-256(0x00 ‖ UTF-8 leaf): the entry_hash of a ledger entry. */
  async function leafHash(leafText) {
    return sha256(concat([0x00], utf8.encode(leafText)));
  }

  async function nodeHash(left, right) {
    return sha256(concat([0x01], left, right));
  }

  /** RFC 9162 §2.1.3.2; true only if `proof` leads from the leaf hash to `root`. */
  async function verifyInclusion(leafHashBytes, index, size, proof, root) {
    let fn = BigInt(index);
    let sn = BigInt(size) - 1n;
    if (fn > sn) return false;
    let r = leafHashBytes;
    for (const p of proof) {
      if (sn === 0n) return false;
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(p, r);
        if ((fn & 1n) === 0n) {
          while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && equalBytes(r, root);
  }

  // Signed notes (C2SP signed-note, LEDGER_SPEC §3) -------------------------

  /** Key id: first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). */
  async function keyId(name, publicKey) {
    return (await sha256(concat(utf8.encode(name), [0x0a, 0x01], publicKey))).slice(0, 4);
  }

  /** SHA-256 of the raw public key in groups of four hex digits (as ledger/pages.py shows it). */
  async function fingerprint(publicKey) {
    return hex(await sha256(publicKey)).match(/.{4}/g).join(" ");
  }

  /** `<name>+<8 hex key id>+<base64(0x01 ‖ key)>`, split at the first two '+' only. */
  async function parseVerifierKey(text) {
    text = text.trim();
    const first = text.indexOf("+");
    const second = first < 0 ? -1 : text.indexOf("+", first + 1);
    if (second < 0) throw new StepError("key", "bad_key");
    const name = text.slice(0, first);
    const idHex = text.slice(first + 1, second);
    if (!name || /\s/.test(name) || !/^[0-9a-f]{8}$/.test(idHex)) throw new StepError("key", "bad_key");
    let raw;
    try { raw = b64decode(text.slice(second + 1)); } catch (e) { throw new StepError("key", "bad_key"); }
    if (raw.length !== 33 || raw[0] !== 0x01) throw new StepError("key", "bad_key");
    const publicKey = raw.slice(1);
    if (hex(await keyId(name, publicKey)) !== idHex) throw new StepError("key", "bad_key");
    return {name, keyIdHex: idHex, keyId: hexToBytes(idHex), publicKey, text};
  }

  function hexToBytes(h) {
    return Uint8Array.from(h.match(/../g) || [], (x) => parseInt(x, 16));
  }

  /** Split a signed note into its text (each line with its "\n") and signature lines. */
  function parseNote(note) {
    const at = note.indexOf("\n\n");
    if (at < 0) throw new StepError("signature", "bad_note");
    const text = note.slice(0, at + 1);
    const block = note.slice(at + 2);
    if (!block.endsWith("\n")) throw new StepError("signature", "bad_note");
    const signatures = block.slice(0, -1).split("\n").map((line) => {
      const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      if (!m) throw new StepError("signature", "bad_note");
      let raw;
      try { raw = b64decode(m[2]); } catch (e) { throw new StepError("signature", "bad_note"); }
      if (raw.length < 5) throw new StepError("signature", "bad_note");
      return {name: m[1], keyIdHex: hex(raw.slice(0, 4)), signature: raw.slice(4)};
    });
    return {text, signatures};
  }

  async function ed25519Verify(publicKey, message, signature) {
    let key;
    try {
      key = await crypto.subtle.importKey("raw", publicKey, {name: "Ed25519"}, false, ["verify"]);
    } catch (e) {
      throw new StepError("browser", "no_webcrypto");
    }
    return crypto.subtle.verify({name: "Ed25519"}, key, signature, message);
  }

  /** Check a note's signatures against known keys; returns {text, signers}. */
  async function openNote(note, keys) {
    const parsed = parseNote(note);
    const signers = [];
    for (const sig of parsed.signatures) {
      const key = keys.find((k) => k.name === sig.name && k.keyIdHex === sig.keyIdHex);
      if (!key) continue;
      if (!(await ed25519Verify(key.publicKey, utf8.encode(parsed.text), sig.signature))) {
        throw new StepError("signature", "bad_signature", {key: key.name + "+" + key.keyIdHex});
      }
      signers.push(key);
    }
    if (!signers.length) throw new StepError("signature", "no_known_signature");
    return {text: parsed.text, signers};
  }

  /** C2SP tlog-checkpoint body: origin, decimal size, base64 root; extension lines allowed. */
  function parseCheckpoint(text) {
    const lines = text.split("\n");
    if (lines.length < 4 || lines[lines.length - 1] !== "") throw new StepError("checkpoint", "bad_checkpoint");
    const [origin, sizeText, rootText] = lines;
    if (!origin || !/^(0|[1-9][0-9]{0,15})$/.test(sizeText)) throw new StepError("checkpoint", "bad_checkpoint");
    let root;
    try { root = b64decode(rootText); } catch (e) { throw new StepError("checkpoint", "bad_checkpoint"); }
    if (root.length !== 32) throw new StepError("checkpoint", "bad_checkpoint");
    return {origin, size: Number(sizeText), root};
  }

  // Fetching -----------------------------------------------------------------

  async function fetchOk(url, allow404) {
    let response;
    try {
      response = await fetch(url, {cache: "no-store", credentials: "omit"});
    } catch (e) {
      throw new StepError("fetch", "network", {url});
    }
    if (allow404 && response.status === 404) return null;
    if (!response.ok) throw new StepError("fetch", "http", {url, status: response.status});
    return response;
  }

  function formatTime(iso) {
    const date = new Date(iso);
    if (isNaN(date)) return null;
    const parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    }).formatToParts(date).forEach((p) => { parts[p.type] = p.value; });
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  }

  // Trust on first use -----------------------------------------------------------

  function rememberKey(key) {
    try {
      const stored = window.localStorage.getItem(TOFU_KEY);
      if (!stored) {
        window.localStorage.setItem(TOFU_KEY, key.text);
        return {state: "first", previous: null};
      }
      return stored === key.text ? {state: "same", previous: stored} : {state: "changed", previous: stored};
    } catch (e) {
      return {state: "unavailable", previous: null};
    }
  }

  // The whole check -----------------------------------------------------------------

  async function verifyEntry(seq, options) {
    options = options || {};
    const base = (options.baseUrl || "").replace(/\/$/, "");
    const t = texts();
    const result = {
      seq: Number(seq), ok: false, status: "failed", step: null, detail: null, message: "", steps: [],
      checkpoint: null, key: null, signedAt: null, leaf: null, entryHash: null, tofu: null,
    };
    const passed = (step) => result.steps.push({step, ok: true, text: (t.step_ok || {})[step] || step});
    try {
      if (!/^(0|[1-9][0-9]{0,15})$/.test(String(seq))) throw new StepError("entry", "no_entry", {seq});
      if (!window.crypto || !crypto.subtle) throw new StepError("browser", "no_webcrypto");

      const [cpResponse, keyResponse, entryResponse] = await Promise.all([
        fetchOk(base + "/ledger/checkpoint", true),
        fetchOk(base + "/ledger/key"),
        fetchOk(base + "/api/ledger/entries/" + seq, true),
      ]);
      if (!entryResponse) throw new StepError("fetch", "no_entry", {seq});
      const entry = await entryResponse.json();
      result.leaf = entry.leaf;
      result.entryHash = entry.entry_hash;

      const keyLines = (await keyResponse.text()).split("\n").filter((l) => l.trim());
      if (!keyLines.length) throw new StepError("key", "no_keys");
      const keys = [];
      for (const line of keyLines) keys.push(await parseVerifierKey(line));
      passed("key");

      const computed = hex(await leafHash(entry.leaf));
      if (computed !== entry.entry_hash) {
        throw new StepError("leaf", "leaf_mismatch", {computed: computed.slice(0, 16) + "…",
          recorded: String(entry.entry_hash).slice(0, 16) + "…"});
      }
      let parsedLeaf;
      try { parsedLeaf = JSON.parse(entry.leaf); } catch (e) { throw new StepError("entry", "bad_leaf"); }
      if (!parsedLeaf || parsedLeaf.seq !== result.seq) {
        throw new StepError("entry", "seq_mismatch", {seq, found: parsedLeaf ? parsedLeaf.seq : "?"});
      }
      passed("leaf");

      if (!cpResponse) {
        result.status = "not_anchored";
        result.checkpoint = {origin: null, size: 0, root: null};
        result.message = fmt(t.not_anchored, {seq, size: 0});
        return result;
      }
      const opened = await openNote(await cpResponse.text(), keys);
      const signer = opened.signers[0];
      result.key = {name: signer.name, keyIdHex: signer.keyIdHex, text: signer.text,
        fingerprint: await fingerprint(signer.publicKey)};
      const cp = parseCheckpoint(opened.text);
      if (cp.origin !== signer.name) {
        throw new StepError("checkpoint", "origin_mismatch", {origin: cp.origin, key: signer.name});
      }
      result.checkpoint = {origin: cp.origin, size: cp.size, root: b64encode(cp.root)};
      passed("signature");
      result.tofu = rememberKey(result.key);

      if (result.seq >= cp.size) {
        result.status = "not_anchored";
        result.message = fmt(t.not_anchored, {seq, size: cp.size});
        return result;
      }
      const proofResponse = await fetchOk(`${base}/api/ledger/proof/inclusion?seq=${seq}&size=${cp.size}`);
      let hashes;
      try {
        hashes = (await proofResponse.json()).hashes.map((h) => {
          const bytes = b64decode(h);
          if (bytes.length !== 32) throw new Error("hash length");
          return bytes;
        });
      } catch (e) {
        throw new StepError("inclusion", "bad_proof");
      }
      if (!(await verifyInclusion(hexToBytes(computed), result.seq, cp.size, hashes, cp.root))) {
        throw new StepError("inclusion", "proof_mismatch");
      }
      passed("inclusion");

      try {
        const meta = await fetchOk(`${base}/ledger/checkpoints/${cp.size}/meta`, true);
        if (meta) result.signedAt = (await meta.json()).signed_at || null;
      } catch (e) {
        result.signedAt = null; // the time is informative only; the proof stands without it
      }
      const time = result.signedAt && formatTime(result.signedAt);
      const params = {seq, size: cp.size, key: `${signer.name}+${signer.keyIdHex}`,
        time: time ? fmt(t.time_with_zone, {time}) : ""};
      result.ok = true;
      result.status = "verified";
      result.message = fmt(time ? t.verified : t.verified_no_time, params);
      return result;
    } catch (e) {
      const err = e instanceof StepError ? e : new StepError(result.step || "fetch", "unexpected",
        {error: e && e.message});
      result.step = err.step;
      result.detail = err.detail;
      result.steps.push({step: err.step, ok: false, text: (t.steps || {})[err.step] || err.step});
      const detail = fmt((t.details || {})[err.detail] || err.detail, Object.assign({seq}, err.params));
      result.message = fmt(t.failed, {step: (t.steps || {})[err.step] || err.step, detail});
      return result;
    }
  }

  // Rendering ---------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Show a result in an element (replacing its content). */
  function render(result, target) {
    const t = texts();
    const kind = {verified: "ok", not_anchored: "pending", failed: "failed"}[result.status];
    const box = el("div", "verify-result verify-" + kind);
    const mark = {ok: "✓", pending: "…", failed: "✗"}[kind];
    box.appendChild(el("p", "verify-headline", `${mark} ${t["headline_" + kind]}`));
    box.appendChild(el("p", "verify-message", result.message));
    if (result.steps.length) {
      const list = el("ul", "verify-steps");
      for (const s of result.steps) list.appendChild(el("li", s.ok ? "step-ok" : "step-failed", s.text));
      box.appendChild(list);
    }
    if (result.key) {
      const key = el("p", "verify-key");
      key.appendChild(el("span", "muted", t.fingerprint + ": "));
      key.appendChild(el("code", "fingerprint", result.key.fingerprint));
      box.appendChild(key);
    }
    if (result.tofu) {
      const tofuText = fmt(t["tofu_" + result.tofu.state] || "", {previous: result.tofu.previous || ""});
      box.appendChild(el("p", result.tofu.state === "changed" ? "verify-tofu verify-warn" : "verify-tofu muted",
        tofuText));
    }
    target.replaceChildren(box);
  }

  async function onClick(button) {
    const seq = button.getAttribute("data-verify-seq");
    const target = document.querySelector(`output[data-verify-result-for="${CSS.escape(seq)}"]`);
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    if (target) target.replaceChildren(el("span", "verify-busy", texts().busy));
    try {
      const result = await verifyEntry(seq);
      if (target) render(result, target);
      button.dispatchEvent(new CustomEvent("ledger-verified", {bubbles: true, detail: result}));
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  function bind(root) {
    (root || document).querySelectorAll("button.verify-btn[data-verify-seq]").forEach((button) => {
      if (button.dataset.verifyBound) return;
      button.dataset.verifyBound = "1";
      button.addEventListener("click", () => onClick(button));
    });
  }

  window.LedgerVerify = {
    verifyEntry, render, bind, leafHash, nodeHash, keyId, fingerprint, parseVerifierKey, parseNote, openNote,
    parseCheckpoint, verifyInclusion, b64decode, b64encode, hex, formatTime,
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => bind());
  } else {
    bind();
  }
})();
