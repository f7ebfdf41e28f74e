/* In-place forms: a form marked data-inplace is sent with fetch, and the fragment the server renders
 * in answer (skillmatrix/partials.py) replaces the elements with the same ids; the server's status
 * line is read out through the page's live region (#inplace-status), and focus goes back into what
 * was replaced. Without JavaScript the same form posts and the server redirects back.
 *
 * An error comes back as text (the server's message), shown in the form's [data-inplace-error]. An
 * answer that is neither (a sign-in page after the session ended, a refused CSRF token) is left to
 * the browser: the form is sent again the ordinary way.
 */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("inplace-status");
    if (!region || !text) return;
    region.textContent = "";
    // A fresh text in a polite live region is read out; emptying it first lets the same text be read again.
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function showError(form, text) {
    var slot = form.querySelector("[data-inplace-error]");
    if (slot) slot.textContent = text;
    else announce(text);
  }

  function swap(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var status = template.content.querySelector("[data-inplace-status]");
    var swapped = [];
    Array.prototype.slice.call(template.content.children).forEach(function (node) {
      var old = node.id && document.getElementById(node.id);
      if (old) {
        old.replaceWith(node);
        swapped.push(node);
      }
    });
    return { status: status ? status.textContent.trim() : "", swapped: swapped };
  }

  function refocus(container) {
    if (!container) return;
    var target =
      container.querySelector("[aria-invalid=true]") ||
      container.querySelector("[data-inplace-focus]") ||
      container.querySelector("button[type=submit]");
    if (target) target.focus();
  }

  function ordinarySubmit(form, submitter) {
    form.dataset.inplaceOff = "true";
    if (form.requestSubmit) form.requestSubmit(submitter || undefined);
    else form.submit();
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var home = form.closest("[id]");
    var homeId = home ? home.id : "";
    var buttons = form.querySelectorAll("button");
    form.setAttribute("aria-busy", "true");
    Array.prototype.forEach.call(buttons, function (button) { button.disabled = true; });
    function release() {
      form.removeAttribute("aria-busy");
      Array.prototype.forEach.call(buttons, function (button) { button.disabled = false; });
    }
    // Not form.action: a field named "action" (the tick's buttons, the watch toggle) would shadow it.
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "partial" },
    })
      .then(function (response) {
        return response.text().then(function (text) {
          var type = response.headers.get("Content-Type") || "";
          if (response.headers.get("X-Partial") === "true") {
            var answer = swap(text);
            announce(answer.status);
            refocus(document.getElementById(homeId));
          } else if (type.indexOf("text/plain") === 0) {
            release();
            showError(form, text);
          } else {
            release();
            ordinarySubmit(form, submitter);
          }
        });
      })
      .catch(function () {
        release();
        var region = document.getElementById("inplace-status");
        showError(form, (region && region.dataset.failed) || "");
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!window.fetch || !form.matches || !form.matches("form[data-inplace]")) return;
    if (form.dataset.inplaceOff === "true") return;
    event.preventDefault();
    send(form, event.submitter);
  });
})();
