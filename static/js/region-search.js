/*
 * Progressive enhancement for the region selects: a text box that narrows the
 * options by name or pinyin (full or initials: "shenzhen", "szs", "深圳").
 * Without JavaScript the plain select works as is. Options are removed and put
 * back rather than hidden, because iOS Safari ignores hidden <option>s.
 */
(function () {
  "use strict";

  function normalise(text) {
    return (text || "").toLowerCase().replace(/\s+/g, "");
  }

  function enhance(select, index) {
    var all = Array.prototype.slice.call(select.options);
    var placeholder = all.length && all[0].value === "" ? all[0] : null;
    var places = all.filter(function (option) { return option !== placeholder; });

    var wrapper = document.createElement("div");
    wrapper.className = "region-filter";
    var label = document.createElement("label");
    var inputId = (select.id || "region") + "-filter-" + index;
    label.setAttribute("for", inputId);
    label.textContent = "输入名称或拼音筛选（如“深圳”或“sz”）";
    var input = document.createElement("input");
    input.type = "search";
    input.id = inputId;
    input.setAttribute("autocomplete", "off");
    input.setAttribute("autocapitalize", "off");
    input.setAttribute("spellcheck", "false");
    var count = document.createElement("p");
    count.className = "region-filter-count";
    count.id = inputId + "-count";
    count.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", count.id);
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(count);
    select.parentNode.insertBefore(wrapper, select.parentNode.firstChild);

    function filter() {
      var query = normalise(input.value);
      var selected = select.value;
      var matches = places.filter(function (option) {
        if (!query) { return true; }
        return normalise(option.text).indexOf(query) !== -1 ||
          (option.getAttribute("data-pinyin") || "").toLowerCase().split(/\s+/).some(function (word) {
            return word.indexOf(query) !== -1;
          });
      });
      while (select.options.length) { select.remove(0); }
      if (placeholder) { select.add(placeholder); }
      matches.forEach(function (option) { select.add(option); });
      if (matches.length === 1) {
        select.value = matches[0].value;
      } else if (matches.some(function (option) { return option.value === selected; })) {
        select.value = selected;
      } else if (placeholder) {
        select.value = "";
      }
      count.textContent = query ? (matches.length ? "找到 " + matches.length + " 个" : "没有找到，请换个写法，或清空后直接在列表中选") : "";
    }

    input.addEventListener("input", filter);
    // Enter in the filter should not submit the form before a choice is made.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        select.focus();
      }
    });
  }

  function init() {
    var selects = document.querySelectorAll("select[data-region-search]");
    for (var i = 0; i < selects.length; i += 1) { enhance(selects[i], i); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
