// The admin's one enhancement: a foreign-key input's suggestions follow what is typed, fetched from
// the related model's bounded lookup (`data-lookup`). Without this script the input still takes an
// id and suggests the first rows; the pages never need it.
"use strict";

document.querySelectorAll("input[data-lookup]").forEach((input) => {
  const list = document.getElementById(input.getAttribute("list"));
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = input.value.trim();
      if (text === asked) return;
      asked = text;
      const url = `${input.dataset.lookup}?q=${encodeURIComponent(text)}`;
      const answer = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!answer.ok || text !== asked) return;
      const { data } = await answer.json();
      list.replaceChildren(...data.map((row) => {
        const option = document.createElement("option");
        option.value = String(row.id);
        option.textContent = row.label;
        return option;
      }));
    }, 200);
  });
});
