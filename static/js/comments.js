/* Comment widget: loads comments from the API, pages through them ("load more"),
 * posts, edits, deletes and hides them in place. Without JavaScript the
 * server-rendered list and the plain forms around it do the same work.
 *
 * Markup (templates/proposals/partials/comments.html): [data-comments] holds
 * the API address, the server's length limits, the translated messages
 * ([data-comments-i18n]), the list, the status line, the "load more" button and
 * the post form. Comment bodies
 * come from the API as body_html, already rendered and sanitized server-side.
 */
(function () {
  "use strict";

  function csrfToken(root) {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function sameOrigin(url) {
    // Page links from the API are absolute; keep only path and query (a proxy may report another scheme).
    var parsed = new URL(url, window.location.href);
    return parsed.pathname + parsed.search;
  }

  // The day as the server writes it (DATE_FORMAT, which reads as Intl's "long" date), in the server's time zone.
  function formatDate(value, timeZone) {
    var date = new Date(value);
    if (isNaN(date.getTime())) return value;
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        dateStyle: "long",
        timeZone: timeZone || undefined,
      }).format(date);
    } catch (error) {
      return date.toLocaleDateString();
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function errorText(data, fallback) {
    // DRF errors: {"detail": "..."} or {"field": ["..."]}.
    if (!data || typeof data !== "object") return fallback;
    if (typeof data.detail === "string") return data.detail;
    var messages = [];
    Object.keys(data).forEach(function (key) {
      var value = data[key];
      if (Array.isArray(value)) messages = messages.concat(value.filter(function (v) { return typeof v === "string"; }));
      else if (typeof value === "string") messages.push(value);
    });
    return messages.length ? messages.join(" ") : fallback;
  }

  function Widget(root) {
    this.root = root;
    this.apiUrl = root.dataset.apiUrl;
    this.commentApi = root.dataset.commentApiUrl || "";
    this.canHide = root.dataset.canHide === "true";
    this.bodyMaxLength = Number(root.dataset.bodyMaxLength);
    this.hideReasonMaxLength = Number(root.dataset.hideReasonMaxLength);
    this.t = (root.querySelector("[data-comments-i18n]") || root).dataset;
    this.list = root.querySelector("[data-comments-list]");
    this.status = root.querySelector("[data-comments-status]");
    this.empty = root.querySelector("[data-comments-empty]");
    this.more = root.querySelector("[data-comments-more]");
    this.pager = root.querySelector("[data-comments-pager]");
    this.form = root.querySelector("[data-comments-form]");
    this.formError = root.querySelector("[data-comments-error]");
    this.next = null;
    this.total = 0;
  }

  Widget.prototype.request = function (method, url, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    };
    if (method !== "GET") {
      options.headers["X-CSRFToken"] = csrfToken(this.root);
      if (body !== undefined) {
        options.headers["Content-Type"] = "application/json";
        options.body = JSON.stringify(body);
      }
    }
    return fetch(url, options).then(function (response) {
      if (response.status === 204) return { ok: true, status: 204, data: null };
      return response
        .json()
        .catch(function () { return null; })
        .then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
    });
  };

  Widget.prototype.say = function (message) {
    if (this.status) this.status.textContent = message || "";
  };

  Widget.prototype.commentUrl = function (id, suffix) {
    return this.commentApi.replace(/\/0\/$/, "/" + id + "/") + (suffix || "");
  };

  Widget.prototype.start = function () {
    var self = this;
    if (this.more) {
      this.more.querySelector("button").addEventListener("click", function () { self.loadMore(); });
    }
    if (this.form) {
      this.form.addEventListener("submit", function (event) {
        event.preventDefault();
        self.post();
      });
    }
    this.load(this.apiUrl, true);
  };

  Widget.prototype.load = function (url, replace) {
    var self = this;
    this.list.setAttribute("aria-busy", "true");
    this.say(this.t.loading);
    if (this.more) this.more.querySelector("button").disabled = true;
    return this.request("GET", url)
      .then(function (result) {
        if (!result.ok || !result.data || !Array.isArray(result.data.results)) throw new Error("load");
        if (replace) {
          self.list.textContent = "";
          if (self.pager) self.pager.hidden = true;
        }
        result.data.results.forEach(function (comment) { self.list.appendChild(self.render(comment)); });
        self.total = result.data.count;
        self.next = result.data.next ? sameOrigin(result.data.next) : null;
        self.update();
        self.say(replace ? "" : self.t.loaded);
      })
      .catch(function () {
        // The server-rendered list stays in place.
        self.say(self.t.loadError);
      })
      .then(function () {
        self.list.removeAttribute("aria-busy");
        if (self.more) self.more.querySelector("button").disabled = false;
      });
  };

  Widget.prototype.loadMore = function () {
    if (this.next) this.load(this.next, false);
  };

  Widget.prototype.update = function () {
    var count = this.list.children.length;
    if (this.empty) this.empty.hidden = count > 0;
    if (this.more) this.more.hidden = !this.next;
  };

  Widget.prototype.render = function (comment) {
    var self = this;
    var item = el("li", "comment" + (comment.hidden ? " comment--hidden" : ""));
    item.id = "comment-" + comment.id;
    item.dataset.commentId = comment.id;

    var meta = el("p", "comment-meta");
    meta.appendChild(el("strong", "comment__author", comment.author));
    meta.appendChild(document.createTextNode(" · "));
    var time = el("time", "", formatDate(comment.created, this.root.dataset.timeZone));
    time.setAttribute("datetime", comment.created);
    meta.appendChild(time);
    if (comment.edited) {
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(el("span", "comment__edited", this.t.edited));
    }
    item.appendChild(meta);

    if (comment.hidden) {
      item.appendChild(el("p", "comment__hidden", this.t.hiddenBy.replace("%(reason)s", comment.hidden_reason || "")));
      if (comment.body_html) {
        var details = el("details", "comment__original");
        details.appendChild(el("summary", "", this.t.showHidden));
        var original = el("div", "comment-body prose");
        original.innerHTML = comment.body_html; // sanitized by the server (nh3)
        details.appendChild(original);
        item.appendChild(details);
      }
    } else {
      var body = el("div", "comment-body prose");
      body.innerHTML = comment.body_html; // sanitized by the server (nh3)
      item.appendChild(body);
    }

    var actions = el("div", "comment__actions");
    if (comment.can_edit && !comment.hidden) {
      actions.appendChild(this.button(this.t.edit, function () { self.edit(item, comment); }));
    }
    if (this.canHide && !comment.hidden) {
      actions.appendChild(this.button(this.t.hide, function () { self.hide(item, comment); }));
    }
    if (comment.can_delete) {
      actions.appendChild(this.button(this.t.delete, function () { self.remove(item, comment); }));
    }
    if (actions.children.length) item.appendChild(actions);
    var error = el("p", "field__errors");
    error.setAttribute("role", "alert");
    error.hidden = true;
    item.appendChild(error);
    return item;
  };

  Widget.prototype.button = function (label, onClick) {
    var button = el("button", "button button--small button--quiet", label);
    button.type = "button";
    button.addEventListener("click", onClick);
    return button;
  };

  Widget.prototype.itemError = function (item, message) {
    var error = item.querySelector(":scope > .field__errors");
    if (!error) return;
    error.textContent = message || "";
    error.hidden = !message;
  };

  Widget.prototype.replaceItem = function (item, comment) {
    var fresh = this.render(comment);
    item.replaceWith(fresh);
    return fresh;
  };

  Widget.prototype.post = function () {
    var self = this;
    var textarea = this.form.querySelector("textarea[name=body]");
    var submit = this.form.querySelector("[type=submit]");
    var text = textarea.value.trim();
    this.showFormError("");
    if (!text) {
      this.showFormError(this.t.emptyBody);
      textarea.focus();
      return;
    }
    submit.disabled = true;
    this.say(this.t.posting);
    this.request("POST", this.apiUrl, { body: text })
      .then(function (result) {
        if (result.status === 201) {
          self.list.appendChild(self.render(result.data));
          textarea.value = "";
          self.update();
          self.say(self.t.posted);
          return;
        }
        self.say("");
        var message = errorText(result.data, self.t.error);
        if (result.status === 429) {
          self.showFormError(message);
        } else if (result.data && Array.isArray(result.data.body)) {
          self.showFormError(result.data.body.join(" "));
        } else {
          self.showFormError(message);
        }
      })
      .catch(function () {
        self.say("");
        self.showFormError(self.t.error);
      })
      .then(function () { submit.disabled = false; });
  };

  Widget.prototype.showFormError = function (message) {
    if (!this.formError) return;
    this.formError.textContent = message || "";
    this.formError.hidden = !message;
    var textarea = this.form.querySelector("textarea[name=body]");
    if (message) textarea.setAttribute("aria-invalid", "true");
    else textarea.removeAttribute("aria-invalid");
  };

  Widget.prototype.inlineForm = function (item, options) {
    // A small form under the comment: a text field (textarea or input), save and cancel.
    var self = this;
    var existing = item.querySelector(":scope > form");
    if (existing) existing.remove();
    var form = el("form", "comment__inline stack-sm");
    var id = "comment-" + item.dataset.commentId + "-" + options.name;
    var label = el("label", options.multiline ? "visually-hidden" : "", options.label);
    label.htmlFor = id;
    var field = el(options.multiline ? "textarea" : "input");
    field.id = id;
    field.name = options.name;
    field.required = true;
    field.maxLength = options.maxLength;
    if (options.multiline) field.rows = 4;
    else field.type = "text";
    field.value = options.value || "";
    var row = el("div", "inline-form");
    var save = el("button", "button button--small", options.submit);
    save.type = "submit";
    var cancel = el("button", "button button--small button--quiet", this.t.cancel);
    cancel.type = "button";
    cancel.addEventListener("click", function () {
      form.remove();
      self.itemError(item, "");
    });
    row.appendChild(save);
    row.appendChild(cancel);
    form.appendChild(label);
    form.appendChild(field);
    form.appendChild(row);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = field.value.trim();
      if (!value) {
        field.focus();
        return;
      }
      save.disabled = true;
      options.send(value).then(function () { save.disabled = false; });
    });
    item.insertBefore(form, item.querySelector(":scope > .field__errors"));
    field.focus();
  };

  Widget.prototype.edit = function (item, comment) {
    var self = this;
    this.inlineForm(item, {
      name: "body",
      label: this.t.yourComment,
      submit: this.t.save,
      multiline: true,
      maxLength: this.bodyMaxLength,
      value: comment.body,
      send: function (value) {
        return self.request("PATCH", self.commentUrl(comment.id), { body: value })
          .then(function (result) {
            if (!result.ok) {
              self.itemError(item, errorText(result.data, self.t.error));
              return;
            }
            self.replaceItem(item, result.data);
            self.say(self.t.saved);
          })
          .catch(function () { self.itemError(item, self.t.error); });
      },
    });
  };

  Widget.prototype.hide = function (item, comment) {
    var self = this;
    this.inlineForm(item, {
      name: "reason",
      label: this.t.hideReason,
      submit: this.t.hideSubmit,
      multiline: false,
      maxLength: this.hideReasonMaxLength,
      send: function (value) {
        return self.request("POST", self.commentUrl(comment.id, "hide/"), { reason: value })
          .then(function (result) {
            if (!result.ok) {
              self.itemError(item, errorText(result.data, self.t.error));
              return;
            }
            self.replaceItem(item, result.data);
            self.say(self.t.hiddenDone);
          })
          .catch(function () { self.itemError(item, self.t.error); });
      },
    });
  };

  Widget.prototype.remove = function (item, comment) {
    var self = this;
    if (!window.confirm(this.t.confirmDelete)) return;
    this.request("DELETE", this.commentUrl(comment.id))
      .then(function (result) {
        if (!result.ok) {
          self.itemError(item, errorText(result.data, self.t.error));
          return;
        }
        item.remove();
        self.update();
        self.say(self.t.deleted);
      })
      .catch(function () { self.itemError(item, self.t.error); });
  };

  function init() {
    if (!window.fetch) return;
    document.querySelectorAll("[data-comments][data-api-url]").forEach(function (root) {
      if (root.dataset.commentsReady) return;
      root.dataset.commentsReady = "true";
      new Widget(root).start();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
