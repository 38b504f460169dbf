// The comment section's conveniences. Everything here is optional: without JavaScript the
// forms post, likes count and the page shows what a reload shows.
(function () {
  "use strict";
  var section = document.getElementById("comments");
  if (!section) return;
  var POLL_SECONDS = 60;
  var POSTED_DAYS = 7;
  var form = document.getElementById("comment-form");
  var postedKey = "comments:posted:" + section.dataset.countUrl;
  var store = window.localStorage;

  // A regular's name and email stay on their device, never in the shared page.
  function remembered() {
    try { return JSON.parse(store.getItem("comments:author") || "null"); } catch (e) { return null; }
  }
  if (form) {
    var remember = document.getElementById("comment-remember");
    var nameField = document.getElementById("comment-name");
    var emailField = document.getElementById("comment-email");
    if (remember && nameField && emailField) {
      document.getElementById("comment-remember-field").hidden = false;
      var author = remembered();
      if (author) {
        remember.checked = true;
        if (!nameField.value) nameField.value = author.name || "";
        if (!emailField.value) emailField.value = author.email || "";
      }
    }
    form.addEventListener("submit", function () {
      try {
        store.setItem(postedKey, String(Date.now()));
        if (remember && remember.checked) {
          store.setItem("comments:author", JSON.stringify({ name: nameField.value, email: emailField.value }));
        } else if (remember) {
          store.removeItem("comments:author");
        }
      } catch (e) { /* storage refused: nothing is remembered */ }
    });
  }

  // The reader's own held comments: fetched for them alone, since the page is shared.
  var status = document.getElementById("comment-status");
  var posted = Number(store && store.getItem(postedKey));
  if (status && posted && Date.now() - posted < POSTED_DAYS * 864e5 && !status.querySelector(".awaiting-review")) {
    fetch(section.dataset.awaitingUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html.trim()) return;
        var holder = document.createElement("div");
        holder.innerHTML = html; // Our own server's escaped template, same origin.
        status.appendChild(holder);
      })
      .catch(function () {});
  }

  // Likes count in place; without this the form posts and the page comes back.
  section.addEventListener("submit", function (event) {
    var likeForm = event.target.closest(".comment__like");
    if (!likeForm) return;
    event.preventDefault();
    var button = likeForm.querySelector("button");
    button.disabled = true;
    fetch(likeForm.action, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (typeof data.likes === "number") {
          likeForm.querySelector(".comment__likes").textContent = String(data.likes);
          button.setAttribute("aria-pressed", "true");
        } else {
          button.disabled = false;
        }
      })
      .catch(function () { button.disabled = false; });
  });

  // New comments since the page loaded: a small cached count, asked now and then.
  var notice = document.getElementById("comments-new");
  var shown = Number(section.dataset.count);
  function poll() {
    if (document.visibilityState !== "visible") return;
    fetch(section.dataset.countUrl, { credentials: "omit" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var fresh = data.comments - shown;
        if (fresh <= 0) return;
        notice.textContent = fresh + (fresh === 1 ? " new comment since you opened this page. " : " new comments since you opened this page. ");
        var link = document.createElement("a");
        link.href = "?comments_sort=newest#comments";
        link.textContent = "Show " + (fresh === 1 ? "it" : "them");
        notice.appendChild(link);
        notice.hidden = false;
      })
      .catch(function () {});
  }
  if (notice && section.dataset.countUrl) window.setInterval(poll, POLL_SECONDS * 1000);
})();
