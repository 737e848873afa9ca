// 已受理未送后台: the header's box ticks or clears every case of the list (without it, each box
// is ticked by hand; the form works the same without scripts).
(function () {
  "use strict";
  var all = document.getElementById("pick-all");
  if (!all) return;
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name="case"]'));
  all.hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      var ticked = boxes.filter(function (b) { return b.checked; }).length;
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  });
})();
