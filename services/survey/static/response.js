/* Progressive enhancement of the response page: one question at a time with progress, and a
   character counter. Without this script the page shows every question and still works. */
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }
  var questions = Array.prototype.slice.call(form.querySelectorAll(".question"));
  var submit = form.querySelector(".submit");
  Array.prototype.forEach.call(form.querySelectorAll("textarea[maxlength]"), function (area) {
    var counter = document.createElement("p");
    counter.className = "counter";
    counter.setAttribute("aria-live", "polite");
    var update = function () {
      counter.textContent = (area.maxLength - area.value.length) + " " + form.dataset.left;
    };
    area.addEventListener("input", update);
    area.parentNode.insertBefore(counter, area.nextSibling);
    update();
  });
  if (questions.length < 2 || document.getElementById("error-summary")) {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    return;
  }
  var current = 0;
  var bar = document.createElement("div");
  bar.className = "progress";
  bar.innerHTML = "<div></div>";
  var text = document.createElement("p");
  text.className = "progress-text";
  text.setAttribute("aria-live", "polite");
  form.insertBefore(text, form.firstChild);
  form.insertBefore(bar, form.firstChild);
  var back = document.createElement("button");
  back.type = "button";
  back.className = "secondary";
  back.textContent = form.dataset.back;
  var next = document.createElement("button");
  next.type = "button";
  next.textContent = form.dataset.next;
  submit.parentNode.insertBefore(back, submit);
  submit.parentNode.insertBefore(next, submit);
  function show(index) {
    current = index;
    questions.forEach(function (q, i) { q.hidden = i !== index; });
    back.hidden = index === 0;
    next.hidden = index === questions.length - 1;
    submit.hidden = index !== questions.length - 1;
    bar.firstChild.style.width = Math.round(100 * (index + 1) / questions.length) + "%";
    text.textContent = form.dataset.progress.replace("{i}", index + 1).replace("{n}", questions.length);
  }
  back.addEventListener("click", function () { show(Math.max(0, current - 1)); focusFirst(); });
  next.addEventListener("click", function () { show(Math.min(questions.length - 1, current + 1)); focusFirst(); });
  function focusFirst() {
    var field = questions[current].querySelector("input, textarea");
    if (field) { field.focus(); }
  }
  show(0);
}());
