// Margin simulator: small progressive enhancements on top of htmx. The page works without this
// file (and without JavaScript at all); nothing here is required to get a result.
(function () {
  "use strict";

  // Each shock has a slider and a number box: keep them in step both ways.
  document.addEventListener("input", function (event) {
    var source = event.target;
    var pairId = source.getAttribute && source.getAttribute("data-pair");
    if (!pairId) return;
    var partner = document.getElementById(pairId);
    if (partner && partner.value !== source.value) partner.value = source.value;
  });

  // Changing a row's symbol fills in that market's price, unless the learner typed their own
  // (the box is empty or still holds the previous market's price).
  function isSymbolSelect(element) {
    return element && element.name && /^pos-\d+-symbol$/.test(element.name);
  }
  document.addEventListener("focusin", function (event) {
    if (isSymbolSelect(event.target)) event.target.setAttribute("data-previous", event.target.value);
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!isSymbolSelect(select)) return;
    var form = document.getElementById("simulator-form");
    var prices = form ? JSON.parse(form.getAttribute("data-prices") || "{}") : {};
    var entry = document.getElementById(select.id.replace(/symbol$/, "entry_price"));
    var previous = prices[select.getAttribute("data-previous")];
    if (entry && (entry.value === "" || Number(entry.value) === Number(previous))) {
      entry.value = prices[select.value] || "";
    }
    select.setAttribute("data-previous", select.value);
  });

  // Before a recalculation lands, clear the old messages; after it, mark inputs whose slot
  // beside them holds a message, so screen readers hear "invalid" on focus.
  function markInvalid() {
    document.querySelectorAll("#simulator-form .field-error").forEach(function (slot) {
      var input = document.getElementById(slot.id.replace(/_error$/, ""));
      if (!input) return;
      var invalid = slot.textContent.trim() !== "";
      input.classList.toggle("is-invalid", invalid);
      if (invalid) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
  }

  // One sentence per recalculation in the live region, without moving focus.
  function announce() {
    var result = document.getElementById("simulator-result");
    var status = document.getElementById("simulator-status");
    if (result && status) status.textContent = result.getAttribute("data-announce") || "";
  }

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target) return;
    markInvalid();
    if (target.id === "simulator-result") announce();
    // A new row gets focus on its first field, so keyboard users land where they added it.
    if (target.id === "position-rows" && event.detail.requestConfig &&
        event.detail.requestConfig.elt && event.detail.requestConfig.elt.id === "add-position") {
      var rows = target.querySelectorAll(".sim-position");
      var last = rows[rows.length - 1];
      var first = last && last.querySelector("select, input");
      if (first) first.focus();
    }
    // After a removal the rows are re-rendered: put focus back on the add button.
    if (target.id === "positions") {
      var add = document.getElementById("add-position");
      if (add) add.focus();
    }
  });

  // Disclosures that load on demand (panels and "Explain" beside a figure): opening one asks the
  // server for its content; after a recalculation the open ones reload and the closed ones are
  // marked stale, to reload when next opened. Without JavaScript a submit button inside each
  // asks for the whole page with it open instead.
  function load(details) {
    if (!window.htmx) return;
    details.removeAttribute("data-stale");
    details.setAttribute("data-loaded", "true");
    var panel = details.querySelector(":scope > .sim-panel-body[hx-post]");
    if (panel) {
      window.htmx.trigger(panel, "sim-load");
      return;
    }
    // An explanation: one URL for all of them, on the list (the recalculated markup stays small).
    var body = details.querySelector(":scope > .sim-x-body[data-figure]");
    var list = details.closest("[data-explain-url]");
    if (!body || !list) return;
    var url = list.getAttribute("data-explain-url") + "?part=explain&figure=" +
      encodeURIComponent(body.getAttribute("data-figure"));
    window.htmx.ajax("POST", url, {source: "#simulator-form", target: body, swap: "innerHTML"});
  }
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details.sim-panel, details.sim-x")) return;
    if (details.open && (!details.hasAttribute("data-loaded") || details.hasAttribute("data-stale"))) {
      load(details);
    }
  }, true);
  document.body.addEventListener("simulator-updated", function () {
    document.querySelectorAll("details.sim-panel[data-loaded]").forEach(function (details) {
      if (details.open) load(details);
      else details.setAttribute("data-stale", "true");
    });
  });

  // "Back to the figure" closes the explanation and puts focus on the figure's Explain control.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.sim-x-back");
    if (!link) return;
    var details = link.closest("details.sim-x");
    if (!details) return;
    event.preventDefault();
    details.open = false;
    var summary = details.querySelector("summary");
    if (summary) summary.focus();
  });
})();
