// Bulk upload: one request per file, each with its own progress bar and its own verdict, so
// a refused file never costs the others. Without JavaScript the form posts them all at once.
"use strict";
(function () {
  function row(list, file) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Uploading " + file.name);
    const verdict = document.createElement("span");
    verdict.textContent = "Waiting";
    item.append(name, bar, verdict);
    list.append(item);
    return { bar, verdict };
  }

  function send(form, file, view) {
    return new Promise(function (resolve) {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      body.append("files", file);
      const request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) view.bar.value = (event.loaded / event.total) * 100;
      });
      request.addEventListener("load", function () {
        let answer = {};
        try { answer = JSON.parse(request.responseText); } catch (error) { /* not JSON */ }
        view.bar.value = 100;
        const added = request.status === 200 && answer.added && answer.added.length;
        if (added) {
          // What the picture editor does next with each picture: describe it.
          const [image] = answer.added;
          const describe = document.createElement("a");
          describe.href = image.url;
          describe.textContent = `describe “${image.title}”`;
          view.verdict.className = "added";
          view.verdict.replaceChildren("Added: ", describe);
        } else {
          view.verdict.className = "refused";
          view.verdict.textContent = (answer.refused && answer.refused.length)
            ? answer.refused[0].reason
            : "Refused (the server answered " + request.status + ")";
        }
        resolve(Boolean(added));
      });
      request.addEventListener("error", function () {
        view.verdict.className = "refused";
        view.verdict.textContent = "Not sent: the connection failed.";
        resolve(false);
      });
      view.verdict.textContent = "Uploading";
      request.send(body);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.querySelector("[data-bulk-upload]");
    if (!form) return;
    const input = form.elements.files;
    const list = form.querySelector("[data-bulk-upload-list]");
    const done = form.querySelector("[data-bulk-upload-done]");
    const tally = form.querySelector("[data-bulk-upload-tally]");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const files = Array.from(input.files);
      list.replaceChildren();
      const views = files.map((file) => row(list, file));
      // Two at a time: quick on a good line, and gentle on the server.
      let next = 0;
      let added = 0;
      async function worker() {
        while (next < files.length) {
          const index = next++;
          if (await send(form, files[index], views[index])) added += 1;
        }
      }
      await Promise.all([worker(), worker()]);
      input.value = "";
      const refused = files.length - added;
      tally.textContent = `${added} added, ${refused} refused${refused ? " (named above)" : ""}.`;
      done.hidden = false;
    });
  });
})();
