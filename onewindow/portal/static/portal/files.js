// Upload fields (portal/apply/_file.html): the chosen files' names beside the button, in place of
// the browser's own "No file chosen" in the browser's language. No inline script under the CSP.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-file-field")) return;
  var shown = document.getElementById(input.id + "-chosen");
  if (!shown) return;
  var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
  shown.textContent = names.length ? names.join(" · ") : shown.getAttribute("data-none");
});
