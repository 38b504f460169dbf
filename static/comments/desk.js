// The moderation queue at keyboard speed. Without this script every button still posts the
// form and the page comes back; with it, decisions happen in place (the desk answers JSON),
// the next card takes focus, the tab counts update and `u` undoes. Keys: see KEYS in
// comments/desk.py, which the page lists.
(function () {
  "use strict";
  var queue = document.getElementById("queue");
  var undoForm = document.getElementById("desk-undo");
  var status = document.getElementById("desk-status");
  var historyPanel = document.getElementById("desk-history");
  var keysHelp = document.getElementById("desk-keys");
  var lastRemoved = []; // The cards the last decision took away ({card, before, parent}): an undo puts them back.

  function cards() { return queue ? Array.prototype.slice.call(queue.querySelectorAll(".card")) : []; }
  function currentCard() {
    var active = document.activeElement;
    return active && active.closest ? active.closest(".card") : null;
  }
  function focusCard(card) {
    if (!card) { return; }
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest" });
    if (historyPanel && !historyPanel.hidden) { showHistory(card); }
  }
  function move(step) {
    var list = cards();
    var index = list.indexOf(currentCard());
    if (index < 0) { focusCard(list[0]); return; }
    focusCard(list[Math.min(Math.max(index + step, 0), list.length - 1)]);
  }
  function say(notes) {
    status.textContent = notes.map(function (note) { return note.text; }).join(" ");
  }
  function csrf() { return document.querySelector("input[name=csrfmiddlewaretoken]").value; }
  function post(url, data) {
    data.append("csrfmiddlewaretoken", csrf());
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    });
  }
  function update(body) {
    Object.keys(body.counts || {}).forEach(function (tab) {
      var count = document.querySelector('[data-count="' + tab + '"]');
      if (count) { count.textContent = body.counts[tab]; }
    });
    undoForm.hidden = !body.undo;
    if (body.undo) {
      undoForm.elements.entry.value = body.undo.entry;
      undoForm.querySelector(".desk-undo__label").textContent = "Your last decision: " + body.undo.label;
    }
    say(body.notes || []);
  }

  function decide(button) {
    var card = button.closest(".card");
    var data = new FormData();
    data.append(button.name, button.value);
    card.querySelectorAll("select, input[type=checkbox]").forEach(function (field) {
      if (field.type !== "checkbox" || field.checked) { data.append(field.name, field.value); }
    });
    card.classList.add("card--deciding");
    post(queue.action, data).then(function (answer) {
      card.classList.remove("card--deciding");
      update(answer.body);
      var decided = (answer.body.decided || []).map(String);
      if (!answer.ok) { focusCard(card); return; }
      // A ban may reject the author's other cards too: they all leave, and focus stays on
      // this card (a ban that left it as it was) or goes to the next one left.
      var list = cards();
      var index = list.indexOf(card);
      var next = [card].concat(list.slice(index + 1), list.slice(0, index).reverse()).filter(function (other) {
        return decided.indexOf(other.dataset.comment) < 0;
      })[0];
      lastRemoved = [];
      decided.forEach(function (pk) {
        var gone = document.getElementById("card-" + pk);
        if (!gone) { return; }
        lastRemoved.push({ card: gone, before: gone.nextElementSibling, parent: gone.parentNode });
        gone.remove();
      });
      if (!next) { window.location.reload(); return; } // The queue's next page, if any.
      focusCard(next);
    }).catch(function () {
      card.classList.remove("card--deciding");
      status.textContent = "The desk could not be reached: nothing was changed. Try again.";
    });
  }

  function undo() {
    if (undoForm.hidden) { return; }
    post(undoForm.action, new FormData(undoForm)).then(function (answer) {
      update(answer.body);
      if (!answer.ok) { return; }
      // Put back, last taken first, the cards this undo restored; the first takes focus.
      var restored = {};
      (answer.body.restored || []).forEach(function (one) { restored[one.comment] = one.revision; });
      var back = lastRemoved.filter(function (gone) { return gone.card.dataset.comment in restored; });
      back.slice().reverse().forEach(function (gone) {
        var revision = restored[gone.card.dataset.comment];
        gone.card.querySelectorAll("button[name=card], input[name=selected]").forEach(function (field) {
          field.value = field.value.replace(/:\d+$/, ":" + revision);
        });
        gone.parent.insertBefore(gone.card, gone.before && gone.before.isConnected ? gone.before : null);
      });
      lastRemoved = [];
      if (back.length) { focusCard(back[0].card); }
    });
  }

  function toggleHistory(card) {
    if (!historyPanel.hidden && historyPanel.dataset.comment === card.dataset.comment) {
      historyPanel.hidden = true;
      return;
    }
    showHistory(card);
  }

  function showHistory(card) {
    historyPanel.dataset.comment = card.dataset.comment;
    fetch(card.dataset.history + "?panel=1", { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        historyPanel.innerHTML = html;
        historyPanel.hidden = false;
        // On a phone the panel covers the lower half: keep the card above it.
        if (window.matchMedia("(max-width: 69.99rem)").matches) { card.scrollIntoView({ block: "start" }); }
      });
  }

  function act(card, action) {
    var target = card.querySelector('[data-action="' + action + '"]');
    if (!target) { return; }
    if (action === "reason") { target.focus(); return; }
    if (action === "ban") {
      target.open = true;
      target.querySelector("button").focus();
      return;
    }
    decide(target);
  }

  if (queue) {
    queue.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || button.name !== "card") { return; } // Bulk actions load the page.
      event.preventDefault();
      decide(button);
    });
  }
  if (undoForm) {
    undoForm.addEventListener("submit", function (event) { event.preventDefault(); undo(); });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var card = currentCard();
    // In a card's reason picker: 1-4 pick and reject, Enter rejects, Escape goes back.
    if (target.matches && target.matches('select[data-action="reason"]')) {
      var choice = parseInt(event.key, 10);
      if (choice >= 1 && choice < target.options.length) {
        target.selectedIndex = choice;
      } else if (event.key === "Escape") {
        event.preventDefault();
        focusCard(card);
        return;
      } else if (event.key !== "Enter") {
        return;
      }
      event.preventDefault();
      if (target.value) { decide(card.querySelector('[data-action="reject"]')); }
      return;
    }
    if (target.matches && target.matches("input, textarea, select, button, summary, [contenteditable]") && !target.classList.contains("card")) {
      if (event.key !== "Escape" || !card) { return; }
      event.preventDefault();
      focusCard(card);
      return;
    }
    var key = event.key;
    if (key === "j") { move(1); }
    else if (key === "k") { move(-1); }
    else if (key === "u") { undo(); }
    else if (key === "?") { keysHelp.open = !keysHelp.open; }
    else if (!card) {
      if ("arsbh".indexOf(key) < 0) { return; }
      focusCard(cards()[0]);
      return;
    }
    else if (key === "a") { act(card, "approve"); }
    else if (key === "r") { act(card, "reason"); }
    else if (key === "s") { act(card, "spam"); }
    else if (key === "b") { act(card, "ban"); }
    else if (key === "h") { toggleHistory(card); }
    else if (key === "Escape") { historyPanel.hidden = true; }
    else { return; }
    event.preventDefault();
  });

  if (!currentCard() && cards().length && !window.location.hash) { focusCard(cards()[0]); }
}());
