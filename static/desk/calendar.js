// Drag and drop on the desk's calendar: dropping a story on another day fills in its
// reschedule form (same time of day, new date) and sends it. The form is the real control,
// and works by itself, by keyboard and without JavaScript; the server answers as it would.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const entries = document.querySelectorAll("[data-calendar-entry]");
  const days = document.querySelectorAll("[data-calendar-day]");
  let dragged = null;

  entries.forEach((entry) => {
    const form = entry.querySelector("[data-reschedule-form]");
    if (!form) {
      return;
    }
    entry.draggable = true;
    entry.classList.add("desk-calendar__entry--draggable");
    entry.addEventListener("dragstart", (event) => {
      dragged = form;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", entry.dataset.calendarEntry);
    });
    entry.addEventListener("dragend", () => {
      dragged = null;
      days.forEach((day) => day.classList.remove("desk-calendar__day--target"));
    });
  });

  days.forEach((day) => {
    day.addEventListener("dragover", (event) => {
      if (dragged) {
        event.preventDefault();
        day.classList.add("desk-calendar__day--target");
      }
    });
    day.addEventListener("dragleave", () => day.classList.remove("desk-calendar__day--target"));
    day.addEventListener("drop", (event) => {
      if (!dragged) {
        return;
      }
      event.preventDefault();
      const at = dragged.elements.namedItem("at");
      const timeOfDay = at.value.split("T")[1] || "09:00";
      at.value = `${day.dataset.calendarDay}T${timeOfDay}`;
      dragged.requestSubmit();
    });
  });
});
