/* Intake (综合受理): keyboard paths and the bottom bar's buttons. No inline scripts (CSP);
   the server renders every partial, this file only moves focus and enables what applies. */
(function () {
  "use strict";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $$(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function text(id) { var el = document.getElementById(id); return el ? el.textContent : ""; }

  function options() { return $$("#item-results [data-item-option]"); }

  /* Items: ↓ from the search box goes into the list, ↑ ↓ move, Enter picks (a button), Esc goes back. */
  document.addEventListener("keydown", function (event) {
    var search = $("#item-q");
    if (!search) return;
    var list = options();
    var index = list.indexOf(document.activeElement);
    if (event.target === search && event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      list[0].focus();
    } else if (index >= 0 && event.key === "ArrowDown") {
      event.preventDefault();
      list[Math.min(index + 1, list.length - 1)].focus();
    } else if (index >= 0 && event.key === "ArrowUp") {
      event.preventDefault();
      (index === 0 ? search : list[index - 1]).focus();
    } else if (index >= 0 && event.key === "Escape") {
      event.preventDefault();
      search.focus();
    }
  });

  function firstField(root) {
    return $("input:not([type=hidden]):not([type=file]):not([disabled]),select,textarea", root);
  }

  /* What the checklist allows: accept (all in), accept with pending (容缺 only), a notice (something missing). */
  function refresh() {
    var form = $("#intake-form");
    var applicant = $("#applicant-slot [name=applicant]");
    var buttons = {
      accept: $("#do-accept"),
      accept_with_pending: $("#do-pending"),
      supplement: $("#do-supplement"),
      refuse: $("#do-refuse"),
    };
    if (!buttons.accept) return;
    var reasons = {};
    var why = "";
    if ($("[data-intake-result]")) why = text("reason-done");
    else if (!applicant) why = text("reason-applicant");
    else if (!form) why = text("reason-items");
    var missing = 0, blocking = 0, tolerated = 0;
    $$("[data-material]", form || document.createElement("div")).forEach(function (row) {
      var select = $("[data-material-choice]", row);
      var value = select ? select.value : "";
      if (row.getAttribute("data-required") !== "1") return;
      if (value === "tolerated") tolerated += 1;
      else if (value === "missing" || value === "") { missing += 1; blocking += 1; }
    });
    var commitment = form ? $("[data-commitment]", form) : null;
    if (commitment) commitment.hidden = !tolerated && !commitment.classList.contains("border-danger");
    if (why) {
      Object.keys(buttons).forEach(function (k) { reasons[k] = why; });
    } else {
      if (blocking) reasons.accept = reasons.accept_with_pending = text("reason-blocking");
      else if (tolerated) reasons.accept = text("reason-tolerated");
      else reasons.accept_with_pending = text("reason-nothing-pending");
      if (!blocking && !tolerated) reasons.supplement = text("reason-nothing-missing");
    }
    Object.keys(buttons).forEach(function (k) {
      var b = buttons[k];
      if (!b) return;
      b.disabled = !!reasons[k];
      b.title = reasons[k] || "";
    });
    /* Ctrl+Enter does what applies: accept, or accept with pending materials. */
    buttons.accept.toggleAttribute("data-wb-main-action", !reasons.accept);
    buttons.accept_with_pending.toggleAttribute("data-wb-main-action", !reasons.accept_with_pending && !!reasons.accept);
    var status = $("#action-reason");
    if (status) status.textContent = why || (blocking ? text("reason-blocking") : "");
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-material-choice]")) refresh();
  });

  /* The checklist form is posted by htmx buttons; the only native submission is printing the
     容缺 commitment letter (GET, new tab). Enter in a field must not print it (implicit submission). */
  document.addEventListener("submit", function (event) {
    if (event.target.id !== "intake-form") return;
    var by = event.submitter;
    if (!by || !by.hasAttribute("data-commitment-print")) event.preventDefault();
  });

  /* Scans: sent as they are chosen; the server checks type by content, size and count. */
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-scan-upload]") || !input.files.length) return;
    var code = input.getAttribute("data-scan-upload");
    var target = document.getElementById("scans-" + code);
    var data = new FormData();
    data.append("material", code);
    data.append("file", input.files[0]);
    $$("#intake-form [name=scans]").forEach(function (s) { data.append("scans", s.value); });
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    fetch(document.getElementById("intake").getAttribute("data-scan-url"), {
      method: "POST", body: data, headers: headers, credentials: "same-origin",
    }).then(function (r) { return r.text(); }).then(function (html) {
      if (target) target.insertAdjacentHTML("beforeend", html);
      input.value = "";
    });
  });

  /* 情形: a changed answer re-renders the work area; the keyboard stays on that question. */
  var situation = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail.elt;
    situation = source && source.matches && source.matches("[data-situation]") ? source.id : null;
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    if (target.id === "work" && situation && document.getElementById(situation)) {
      document.getElementById(situation).focus();
      situation = null;
      refresh();
      return;
    }
    if (target.id === "applicant-slot") {
      if ($("[data-applicant-found]", target)) {
        var typed = $("#applicant-q");
        if (typed) typed.value = "";  /* the number stays on screen only masked */
        var agent = $("#agent-name");
        (agent || $("#item-q")).focus();
      } else {
        var first = firstField(target);
        if (first) first.focus();
      }
      /* The applicant decides what is on file: reload the work area for them. */
      var found = $("[name=applicant]", target);
      if ($("#intake-form") && found && window.htmx) {
        var query = new URLSearchParams();
        $$("#intake-form [name=items]").forEach(function (i) { query.append("items", i.value); });
        var bundle = $("#intake-form [name=bundle]");
        if (bundle) query.append("bundle", bundle.value);
        query.append("applicant", found.value);
        window.htmx.ajax("GET", $("#work").getAttribute("data-work-url") + "?" + query.toString(), {
          target: "#work", swap: "innerHTML",
        });
      }
    } else if (target.id === "item-results") {
      var search = $("#item-q");
      if (search) search.setAttribute("aria-expanded", options().length ? "true" : "false");
    } else if (target.id === "work") {
      var results = $("#item-results");
      if (results) results.innerHTML = "";
      var result = $("[data-intake-result]", target);
      var invalid = $(".is-invalid", target);
      /* 情形 questions come first: they decide the checklist. */
      var question = $$("[data-situation]", target).filter(function (s) { return !s.value; })[0];
      if (result) result.focus();
      else if (invalid) invalid.focus();
      else if (question) question.focus();
      else {
        var field = firstField($("[data-wb-section='3']", target) || target);
        var empty = $$("[data-wb-section='3'] input:not([type=hidden])", target).filter(function (i) { return !i.value; })[0];
        (empty || field || target).focus();
      }
    }
    refresh();
  });

  document.addEventListener("DOMContentLoaded", refresh);
  refresh();
})();
