// Where the reader's own time zone shows a different clock than the event's, add the reader's
// local time after each <time data-zone="..."> (the event's zone), e.g. on the join page.
(function () {
  "use strict";
  var reader = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!reader) {
    return;
  }
  function clock(when, zone) {
    return new Intl.DateTimeFormat("en-GB", {
      weekday: "long",
      day: "numeric",
      month: "long",
      hour: "2-digit",
      minute: "2-digit",
      timeZone: zone,
    }).format(when);
  }
  document.querySelectorAll("time[data-zone]").forEach(function (element) {
    var when = new Date(element.getAttribute("datetime"));
    if (isNaN(when.getTime())) {
      return;
    }
    var local = clock(when, reader);
    if (local === clock(when, element.dataset.zone)) {
      return;
    }
    var note = document.createElement("p");
    note.className = "mb-0";
    note.textContent = "That is " + local + " in your time zone (" + reader + ").";
    element.closest("p").insertAdjacentElement("afterend", note);
  });
})();
