// The comment form in a cached page carries the page's shared token, good for a few posts
// by anyone. Swap it for a token issued to this reader now: good once, and only a few
// seconds after the page opened (comments/moderation/form.py). Without JavaScript the
// page's token still works.
document.querySelectorAll("form[data-token-url]").forEach(function (form) {
  fetch(form.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (data && data.token) { form.elements.token.value = data.token; }
    })
    .catch(function () { /* Keep the page's token. */ });
});
