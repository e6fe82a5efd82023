/* The newsroom's progressive enhancements. Every page works without this file: forms post,
   links load pages. With it: live progress, confirmations, select-all and moderation keys. */
(function () {
  "use strict";

  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);

  /* Live progress: elements with data-send-progress="<json url>" are refreshed every two
     seconds while the send moves; fields inside are marked data-field="done|total|state...",
     parts shown in some states only data-shown-when="<statuses>" (buttons are disabled too),
     the progress itself data-shown-with-recipients, the time left data-shown-with-eta. */
  var decimalFormat = new Intl.NumberFormat(document.documentElement.lang || undefined,
    { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  function share(part, whole) {
    return part === null || !whole ? "" : decimalFormat.format((100 * part) / whole) + " %";
  }
  function watchProgress(box) {
    var url = box.getAttribute("data-send-progress");
    var timer = null;
    function set(name, value) {
      box.querySelectorAll('[data-field="' + name + '"]').forEach(function (element) {
        if (element.tagName === "PROGRESS") {
          return;
        }
        if (value === null) {
          element.textContent = "\u2013";  /* no figure, as the page writes it */
        } else {
          element.textContent = typeof value === "number" ? numberFormat.format(value) : (value || "");
        }
      });
    }
    function show(selector, shown) {
      box.querySelectorAll(selector).forEach(function (element) { element.hidden = !shown; });
    }
    function showForStatus(status) {
      box.querySelectorAll("[data-shown-when]").forEach(function (element) {
        var shown = element.getAttribute("data-shown-when").split(" ").indexOf(status) >= 0;
        element.hidden = !shown;
        if ("disabled" in element) { element.disabled = !shown; }
      });
    }
    function refresh() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          ["done", "total", "per_minute", "state", "reason", "delivered", "bounced", "complained",
           "failed", "opens", "clicks", "unsubscribes", "suppressed", "deferred"].forEach(function (name) {
            set(name, data[name]);
          });
          set("eta_minutes", data.eta_minutes === null ? null : decimalFormat.format(data.eta_minutes));
          set("bounced_share", share(data.bounced, data.sent));
          set("opens_share", share(data.opens, data.delivered));
          set("clicks_share", share(data.clicks, data.delivered));
          show("[data-shown-with-recipients]", data.total > 0);
          show("[data-shown-with-eta]", data.eta_minutes !== null);
          showForStatus(data.status);
          box.querySelectorAll('progress[data-field="progress"]').forEach(function (bar) {
            bar.max = Math.max(data.total, 1);
            bar.value = data.done;
            bar.textContent = Math.round((100 * data.done) / Math.max(data.total, 1)) + " %";
          });
          if (!data.active && timer) {
            clearInterval(timer);
            timer = null;
          }
        })
        .catch(function () { /* the next tick tries again */ });
    }
    timer = setInterval(refresh, 2000);
    refresh();
  }
  document.querySelectorAll("[data-send-progress]").forEach(watchProgress);

  /* Import progress: data-import-progress="<json url>" reloads the page when the import ends. */
  document.querySelectorAll("[data-import-progress]").forEach(function (box) {
    var url = box.getAttribute("data-import-progress");
    var timer = setInterval(function () {
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          box.querySelectorAll("progress").forEach(function (bar) {
            bar.max = Math.max(data.total, 1);
            bar.value = data.done;
          });
          box.querySelectorAll('[data-field="done"]').forEach(function (element) {
            element.textContent = numberFormat.format(data.done);
          });
          if (data.finished) {
            clearInterval(timer);
            window.location.reload();
          }
        });
    }, 1500);
  });

  /* Buttons that ask first: data-confirm="question". */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  /* "Select all" checkboxes: data-select-all="name of the checkboxes". */
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    master.hidden = false;
    var name = master.getAttribute("data-select-all");
    master.addEventListener("change", function () {
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = master.checked;
        box.closest("tr, article") && box.closest("tr, article").classList.toggle("nr-selected", box.checked);
      });
    });
  });
  var selectAllLabels = document.querySelectorAll("[data-select-all-label]");
  selectAllLabels.forEach(function (label) { label.hidden = false; });

  /* The moderation queue's keys: j/k move, a approve, h hide, d delete, b ban, x select. */
  var queue = document.querySelector("[data-moderation-queue]");
  if (queue) {
    var items = Array.prototype.slice.call(queue.querySelectorAll("[data-comment]"));
    var current = -1;
    function select(index) {
      if (!items.length) { return; }
      if (current >= 0) { items[current].classList.remove("nr-current"); }
      current = Math.max(0, Math.min(items.length - 1, index));
      items[current].classList.add("nr-current");
      items[current].focus({ preventScroll: false });
    }
    function press(value) {
      var item = items[current];
      if (!item) { return; }
      var button = item.querySelector('button[name="action"][value="' + value + '"]');
      if (!button) { return; }
      if (value === "hide" || value === "delete" || value === "ban") {
        var reason = item.querySelector('input[name="reason"]');
        if (reason && !reason.value) {
          reason.focus();
          return;
        }
      }
      button.click();
    }
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (target.matches("input, textarea, select")) {
        if (event.key === "Escape") { target.blur(); }
        return;
      }
      var keys = { j: 1, k: -1 };
      if (event.key in keys) {
        event.preventDefault();
        select(current + keys[event.key]);
      } else if (event.key === "a") {
        press("approve");
      } else if (event.key === "h") {
        press("hide");
      } else if (event.key === "d") {
        press("delete");
      } else if (event.key === "b") {
        press("ban");
      } else if (event.key === "x" && items[current]) {
        var box = items[current].querySelector('input[type=checkbox][name="comments"]');
        if (box) { box.checked = !box.checked; }
      }
    });
    queue.querySelectorAll(".nr-key-help").forEach(function (help) { help.hidden = false; });
  }
})();
