// Draws the schematic district outline and a marker at the signal's district centroid.
// No tile layer: the map must work without any network beyond this server.
(function () {
  "use strict";
  var el = document.getElementById("kaart");
  if (!el || typeof L === "undefined") { return; }
  var district = el.getAttribute("data-district") || "";
  var map = L.map(el, { attributionControl: true, zoomControl: true, scrollWheelZoom: false });
  map.attributionControl.setPrefix("Leaflet");
  fetch(el.getAttribute("data-geojson"), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (f) {
          var hit = f.properties.name === district;
          return { color: "#00529b", weight: hit ? 3 : 1, fillColor: hit ? "#f0a202" : "#9db8d3",
                   fillOpacity: hit ? 0.45 : 0.2 };
        },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name); }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      data.features.forEach(function (f) {
        if (f.properties.name === district && f.properties.centroid) {
          var c = f.properties.centroid;  // [lon, lat]
          L.circleMarker([c[1], c[0]], { radius: 9, color: "#b3261e", weight: 3, fillOpacity: 0.8 })
            .bindTooltip(district + " (midden stadsdeel)").addTo(map);
        }
      });
      el.setAttribute("data-ready", "1");
    })
    .catch(function () { el.textContent = "Kaart niet beschikbaar."; });
})();
