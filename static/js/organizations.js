/* Search page: when the province changes, load its cities into the second dropdown.
   Without JavaScript the form still works: submit once and the cities appear. */
(function () {
  "use strict";
  function init() {
    var province = document.getElementById("id_province");
    var city = document.getElementById("id_city");
    if (!province || !city) return;
    province.addEventListener("change", function () {
      city.innerHTML = "";
      var all = document.createElement("option");
      all.value = "";
      all.textContent = city.dataset.allLabel;
      city.appendChild(all);
      city.disabled = !province.value;
      if (!province.value) return;
      fetch(city.dataset.citiesUrl + "?province=" + encodeURIComponent(province.value))
        .then(function (r) { return r.ok ? r.json() : { cities: [] }; })
        .then(function (data) {
          data.cities.forEach(function (c) {
            var option = document.createElement("option");
            option.value = c.code;
            option.textContent = c.name;
            city.appendChild(option);
          });
        });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
