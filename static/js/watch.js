/* Watch toggle: the Community block's watch form, sent to the API (PUT to watch,
 * DELETE to stop) without leaving the page; the count updates in place.
 * Without JavaScript the form posts to /skills/<slug>/watch/ and comes back.
 */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function countLabel(node, count) {
    // The server renders the phrase for one and for many; pick by the language's plural rules.
    var lang = document.documentElement.lang || undefined;
    var category = "other";
    try {
      category = new Intl.PluralRules(lang).select(count);
    } catch (error) {
      category = count === 1 ? "one" : "other";
    }
    var template = (category === "one" ? node.dataset.one : node.dataset.other) || String(count);
    var number;
    try {
      number = new Intl.NumberFormat(lang).format(count);
    } catch (error) {
      number = String(count);
    }
    return template.replace(/\d+/, number);
  }

  function enhance(form) {
    var root = form.closest("[data-watch]");
    var counter = root && root.querySelector("[data-watch-count]");
    var action = form.querySelector("input[name=action]");
    var button = form.querySelector("button[type=submit]");
    var error = form.querySelector("[data-watch-error]");

    function show(watching, watchers) {
      action.value = watching ? "unwatch" : "watch";
      button.textContent = watching ? form.dataset.labelUnwatch : form.dataset.labelWatch;
      button.setAttribute("aria-pressed", watching ? "true" : "false");
      if (counter) counter.textContent = countLabel(counter, watchers);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var watching = action.value === "unwatch";
      button.disabled = true;
      if (error) error.textContent = "";
      fetch(form.dataset.apiUrl, {
        method: watching ? "DELETE" : "PUT",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) { show(data.watching, data.watchers); })
        .catch(function () { if (error) error.textContent = form.dataset.error; })
        .then(function () { button.disabled = false; });
    });
  }

  function init() {
    if (!window.fetch) return;
    document.querySelectorAll("form[data-watch-form][data-api-url]").forEach(enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
