// The article change form's heartbeat: keeps this editor "present" and shows who else is.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.getElementById("presence");
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!box || !token) {
    return;
  }
  function beat() {
    fetch(box.dataset.url, {
      method: "POST",
      headers: { "X-CSRFToken": token.value },
      credentials: "same-origin",
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data) {
          box.textContent = data.others.length
            ? "Also open now: " + data.others.join(", ") + ". Whoever saves second will be asked to review the first save."
            : "";
        }
      });
  }
  window.setInterval(beat, 60000);
});
