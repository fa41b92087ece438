/* The CSO map: the filtered organisations drawn over the country outlines shipped with the
   plugin, or over tiles when the deployment configures a tile server (falling back to the
   outlines when tiles fail). Without JavaScript the page is the same filtered list. */
(function () {
  "use strict";
  var element = document.getElementById("cso-map");
  if (!element || !window.L || !window.fetch) { return; }
  var status = document.getElementById("cso-map-status");
  var data = element.dataset;
  var outlinesLoaded = false;

  function say(text) { if (status) { status.textContent = text || ""; } }

  element.hidden = false;
  // The outlines are drawn at about 1 km: zooming closer than a region shows nothing more.
  var map = L.map(element, { minZoom: 2, maxZoom: data.tiles ? 16 : 10, zoomSnap: 0.5 });
  map.attributionControl.addAttribution(data.outlinesAttribution);

  function loadOutlines() {
    if (outlinesLoaded) { return; }
    outlinesLoaded = true;
    fetch(data.outlines).then(function (response) { return response.json(); })
      .then(function (outlines) {
        L.geoJSON(outlines, {
          interactive: false,
          style: function (feature) {
            var network = feature.properties.network;
            return { color: "#5b6875", weight: network ? 1.2 : 0.6, fillOpacity: 1,
                     fillColor: network ? "#dbe8f1" : "#f3f5f7" };
          }
        }).addTo(map).bringToBack();
      });
  }

  if (data.tiles) {
    var failures = 0;
    var tiles = L.tileLayer(data.tiles, { attribution: data.tilesAttribution, maxZoom: 18 });
    tiles.on("tileerror", function () {
      failures += 1;
      if (failures === 3) { map.removeLayer(tiles); map.setMaxZoom(10); loadOutlines(); }
    });
    tiles.addTo(map);
  } else {
    element.classList.add("cso-map-offline");
    loadOutlines();
  }

  function viewFromHash() {
    var parts = window.location.hash.replace("#", "").split("/").map(Number);
    if (parts.length !== 3 || parts.some(isNaN)) { return false; }
    map.setView([parts[1], parts[2]], parts[0]);
    return true;
  }
  var fromHash = viewFromHash();
  if (!fromHash) { map.setView([12, 10], 3); }
  map.on("moveend", function () {
    var centre = map.getCenter();
    var hash = "#" + map.getZoom() + "/" + centre.lat.toFixed(3) + "/" + centre.lng.toFixed(3);
    window.history.replaceState(null, "", hash);
  });

  function clusterIcon(cluster) {
    var count = 0;
    cluster.getAllChildMarkers().forEach(function (marker) { count += marker.options.count; });
    var size = count < 10 ? "small" : (count < 100 ? "medium" : "large");
    return L.divIcon({ html: "<span>" + count + "</span>", iconSize: L.point(36, 36),
                       className: "cso-map-cluster cso-map-cluster-" + size });
  }

  function openPopup(event) {
    var popup = event.popup;
    var ids = event.target.options.ids.join(",");
    fetch(data.popup + "?ids=" + encodeURIComponent(ids))
      .then(function (response) { return response.text(); })
      .then(function (html) { popup.setContent(html); });
  }

  say(data.loading);
  fetch(data.points).then(function (response) {
    if (!response.ok) { throw new Error(response.status); }
    return response.json();
  }).then(function (answer) {
    var group = L.markerClusterGroup({ iconCreateFunction: clusterIcon, chunkedLoading: true,
                                       showCoverageOnHover: false, maxClusterRadius: 50 });
    answer.points.forEach(function (point) {
      var marker = L.circleMarker([point[1], point[0]], {
        radius: point[2].length > 1 ? 9 : 7, color: "#ffffff", weight: 2, fillColor: "#0a5d8c",
        fillOpacity: 0.9, ids: point[2], count: point[2].length
      });
      marker.bindPopup(data.loading, { maxWidth: 280 });
      marker.on("popupopen", openPopup);
      group.addLayer(marker);
    });
    map.addLayer(group);
    if (!fromHash && answer.points.length) {
      map.fitBounds(group.getBounds(), { maxZoom: 7, padding: [20, 20] });
    }
    element.dataset.ready = String(answer.points.length);
    say("");
  }).catch(function () { say(data.failed); });
}());
