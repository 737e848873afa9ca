/* Workbench keys (the ? dialog lists them): / search, Alt+1..9 sections, Ctrl+Enter main action.
   No inline scripts anywhere: pages mark elements with data attributes instead. */
(function () {
  "use strict";

  function typing(el) {
    return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function firstField(root) {
    if (root.matches("input,select,textarea,button,a[href]")) return root;
    return root.querySelector(
      "input:not([type=hidden]):not([disabled]),select:not([disabled]),textarea:not([disabled]),button:not([disabled]),a[href]"
    );
  }

  document.addEventListener("keydown", function (event) {
    var plain = !event.ctrlKey && !event.altKey && !event.metaKey;
    if (event.key === "/" && plain && !typing(document.activeElement)) {
      var search = document.querySelector("[data-wb-search]");
      if (search) {
        event.preventDefault();
        search.focus();
        if (search.select) search.select();
      }
    } else if (event.altKey && !event.ctrlKey && /^Digit[1-9]$/.test(event.code)) {
      var section = document.querySelector('[data-wb-section="' + event.code.slice(5) + '"]');
      if (section) {
        event.preventDefault();
        section.scrollIntoView({ block: "start" });
        (firstField(section) || section).focus();
      }
    } else if (event.ctrlKey && event.key === "Enter") {
      var main = document.querySelector("[data-wb-main-action]:not([disabled])");
      if (main) {
        event.preventDefault();
        main.click();
      }
    } else if (event.key === "?" && !typing(document.activeElement)) {
      var help = document.getElementById("wb-keys");
      if (help && window.bootstrap) {
        event.preventDefault();
        window.bootstrap.Modal.getOrCreateInstance(help).toggle();
      }
    }
  });

  /* <form data-wb-confirm="…">: ask before an action that cannot be taken back. */
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-wb-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  /* <a data-wb-print>: print the page. */
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-wb-print]");
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
