/* The desk's "select all on this page" button for batch moves. Without JavaScript the button stays
   hidden and each row's box is ticked by hand; the form works the same either way. */
(function () {
  "use strict";
  var button = document.querySelector("[data-pick-all]");
  if (!button) {
    return;
  }
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.queue input[name="pick"]'));
  var allLabel = button.textContent;
  var noneLabel = button.getAttribute("data-none-label") || allLabel;
  function refresh() {
    var all = boxes.length > 0 && boxes.every(function (box) { return box.checked; });
    button.textContent = all ? noneLabel : allLabel;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var all = boxes.every(function (box) { return box.checked; });
    boxes.forEach(function (box) { box.checked = !all; });
    refresh();
  });
  boxes.forEach(function (box) { box.addEventListener("change", refresh); });
  refresh();
})();
