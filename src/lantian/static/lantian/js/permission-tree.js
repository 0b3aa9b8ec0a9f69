// Role editor: a module's or a model's "tick all" box ticks its actions, and shows whether all,
// some (indeterminate) or none of them are ticked. Wired by data attributes (the CSP forbids inline script).
(function () {
  "use strict";

  function boxes(scope) {
    return Array.prototype.slice.call(scope.querySelectorAll("input[name=permissions]:not(:disabled)"));
  }

  function show(all, scope) {
    var own = boxes(scope);
    var ticked = own.filter(function (box) { return box.checked; }).length;
    all.checked = own.length > 0 && ticked === own.length;
    all.indeterminate = ticked > 0 && ticked < own.length;
    return ticked;
  }

  function refresh(tree) {
    tree.querySelectorAll("[data-model]").forEach(function (row) {
      show(row.querySelector("[data-tick=model]"), row);
    });
    tree.querySelectorAll("[data-module]").forEach(function (module) {
      var ticked = show(module.querySelector("[data-tick=module]"), module);
      var count = module.querySelector("[data-count]");
      var total = module.querySelectorAll("input[name=permissions]").length;
      var disabledTicked = module.querySelectorAll("input[name=permissions]:disabled:checked").length;
      if (count) { count.textContent = (ticked + disabledTicked) + " / " + total; }
    });
  }

  document.querySelectorAll("[data-permission-tree]").forEach(function (tree) {
    tree.addEventListener("change", function (event) {
      var tick = event.target.getAttribute("data-tick");
      if (tick) {
        var scope = event.target.closest(tick === "model" ? "[data-model]" : "[data-module]");
        boxes(scope).forEach(function (box) { box.checked = event.target.checked; });
      }
      refresh(tree);
    });
    refresh(tree);
  });
})();
