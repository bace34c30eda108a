/*
 * The receipt page's reading of a browser verification (static/js/verify.js does the checking):
 * once the donation's entry is verified, say in plain words what the signed entry proves,
 * taking every fact from the verified leaf itself and comparing it with what the page shows.
 */
(function () {
  "use strict";
  const facts = document.getElementById("receipt-facts");
  const target = document.getElementById("receipt-proven");
  const textsEl = document.getElementById("receipt-i18n");
  if (!facts || !target || !textsEl) return;
  const texts = JSON.parse(textsEl.textContent);

  function fmt(template, params) {
    return String(template).replace(/%\((\w+)\)s/g, (m, name) => (name in params ? String(params[name]) : m));
  }

  function yuan(fen) {
    const n = Math.abs(fen);
    const whole = Math.floor(n / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (fen < 0 ? "-" : "") + whole + "." + String(n % 100).padStart(2, "0");
  }

  function show(kind, message) {
    target.className = "receipt-proven receipt-proven-" + kind;
    target.textContent = message;
  }

  document.addEventListener("ledger-verified", (event) => {
    const result = event.detail;
    if (!result || String(result.seq) !== facts.dataset.seq) return;
    if (result.status === "not_anchored") return show("pending", texts.pending);
    if (result.status !== "verified") return show("failed", texts.failed);
    let entry;
    try {
      entry = JSON.parse(result.leaf);
    } catch (e) {
      return show("failed", texts.failed);
    }
    const data = entry.data || {};
    const no = facts.dataset.receiptNo;
    const expected = [
      ["kind", entry.kind, "donation.recorded"],
      ["subject", entry.subject, "donation/" + no],
      ["receipt_no", data.receipt_no, no],
      ["amount_fen", data.amount_fen, Number(facts.dataset.amountFen)],
      ["campaign", data.campaign, facts.dataset.campaign],
      ["organization", data.organization, facts.dataset.organization],
      ["platform", data.platform, facts.dataset.platform],
      ["donor_commitment", data.donor_commitment, facts.dataset.commitment],
    ];
    for (const [member, signed, shown] of expected) {
      if (signed !== shown) return show("mismatch", fmt(texts.mismatch, {member}));
    }
    show("ok", fmt(texts.proven, {
      seq: result.seq, no: data.receipt_no, amount: yuan(data.amount_fen), campaign: data.campaign,
      organization: data.organization, platform: data.platform, size: result.checkpoint.size,
      key: result.key ? result.key.name + "+" + result.key.keyIdHex : "?",
    }));
  });
})();
