/*
 * Progressive enhancement for the region selects: a text box that narrows the
 * options by name or pinyin (full or initials: "shenzhen", "szs", "深圳").
 * On the province page an option also matches by the cities within it
 * (data-within), so "深圳" finds 广东省; the city found is sent in a hidden field
 * and the next page has it chosen. Without JavaScript the plain select works as
 * is. Options are removed and put back rather than hidden, because iOS Safari
 * ignores hidden <option>s. Every word shown comes from the page (data-filter-*),
 * which has it from the translation machinery.
 */
(function () {
  "use strict";

  function normalise(text) {
    return (text || "").toLowerCase().replace(/\s+/g, "");
  }

  function words(text) {
    return (text || "").toLowerCase().split(/\s+/).filter(Boolean);
  }

  function matchesPlace(query, name, pinyin) {
    return normalise(name).indexOf(query) !== -1 ||
      words(pinyin).some(function (word) { return word.indexOf(query) !== -1; });
  }

  function within(option) {
    // "code name pinyin initials|code name ..." -> [{code, name, pinyin}]
    return (option.getAttribute("data-within") || "").split("|").filter(Boolean).map(function (entry) {
      var parts = entry.split(" ");
      return { code: parts[0], name: parts[1] || "", pinyin: parts.slice(2).join(" ") };
    });
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function enhance(select, index) {
    var all = Array.prototype.slice.call(select.options);
    var placeholder = all.length && all[0].value === "" ? all[0] : null;
    var places = all.filter(function (option) { return option !== placeholder; });
    var cities = {};
    places.forEach(function (option) { cities[option.value] = within(option); });
    var text = {
      label: select.getAttribute("data-filter-label") || "",
      found: select.getAttribute("data-filter-found") || "%(count)s",
      foundIn: select.getAttribute("data-filter-in") || "%(city)s · %(province)s",
      none: select.getAttribute("data-filter-none") || ""
    };

    var wrapper = document.createElement("div");
    wrapper.className = "region-filter";
    var label = document.createElement("label");
    var inputId = (select.id || "region") + "-filter-" + index;
    label.setAttribute("for", inputId);
    label.textContent = text.label;
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

    // The city found on a province page goes with the form ("<step>-answer" -> "<step>-city").
    var hint = null;
    if (places.some(function (option) { return cities[option.value].length; }) && select.form) {
      hint = document.createElement("input");
      hint.type = "hidden";
      hint.name = select.name.replace(/answer$/, "city");
      select.form.appendChild(hint);
    }
    var found = {};  // province code -> the first of its cities the query matches

    function describe(query, matches) {
      if (!query) { return ""; }
      if (!matches.length) { return text.none; }
      var message = format(text.found, { count: matches.length });
      var city = matches.length === 1 ? found[matches[0].value] : null;
      return city ? message + "：" + format(text.foundIn, { city: city.name, province: matches[0].text }) : message;
    }

    function remember() {
      if (hint) {
        var city = found[select.value];
        hint.value = city ? city.code : "";
      }
    }

    function filter() {
      var query = normalise(input.value);
      var selected = select.value;
      found = {};
      var matches = places.filter(function (option) {
        if (!query || matchesPlace(query, option.text, option.getAttribute("data-pinyin"))) { return true; }
        var city = cities[option.value].filter(function (place) {
          return matchesPlace(query, place.name, place.pinyin);
        })[0];
        if (city) { found[option.value] = city; }
        return Boolean(city);
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
      count.textContent = describe(query, matches);
      remember();
    }

    input.addEventListener("input", filter);
    select.addEventListener("change", remember);
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
