package serve

// overlayStyle styles the error overlay, both as served in a page and as
// drawn by the script.
const overlayStyle = "position:fixed;top:0;left:0;right:0;z-index:2147483647;" +
	"box-sizing:border-box;max-height:60vh;overflow:auto;margin:0;padding:1em 1.5em;" +
	"background:#7a0b0b;color:#fff;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;" +
	"white-space:pre-wrap;text-align:left"

// script is served as BasePath + "_folio/reload.js". It finds the event
// stream next to itself, so it works under any base path.
const script = `// Live reload for "folio serve"; built sites never include it.
(() => {
	"use strict";
	const url = new URL("events", document.currentScript.src);
	const clean = (p) => {
		try { p = decodeURIComponent(p); } catch { /* keep it encoded */ }
		return p.endsWith("/index.html") ? p.slice(0, -"index.html".length) : p;
	};
	let server = "";
	let current = null;
	const connect = () => {
		const events = new EventSource(url);
		current = events;
		events.addEventListener("error", () => {
			// EventSource retries by itself after a network error, but gives up
			// on an answer other than 200, such as 503 for too many streams.
			if (events.readyState === EventSource.CLOSED && current === events) setTimeout(connect, 5000 + 5000 * Math.random());
		});
		events.addEventListener("hello", (e) => {
			const id = JSON.parse(e.data);
			if (server && server !== id) location.reload(); // "folio serve" restarted
			server = id;
		});
		events.addEventListener("reload", (e) => {
			const paths = JSON.parse(e.data).map(clean);
			if (paths.includes(clean(location.pathname))) {
				location.reload();
				return;
			}
			if (!paths.every((p) => p.endsWith(".css"))) return;
			const v = String(Date.now());
			for (const link of document.querySelectorAll('link[rel~="stylesheet" i][href]')) {
				const u = new URL(link.href);
				if (!paths.includes(clean(u.pathname))) continue;
				u.searchParams.set("v", v);
				link.href = u.href;
			}
		});
		events.addEventListener("errors", (e) => {
			document.getElementById("folio-error-overlay")?.remove();
			const msgs = JSON.parse(e.data);
			if (msgs.length === 0) return;
			const box = document.createElement("div");
			box.id = "folio-error-overlay";
			box.setAttribute("role", "alert");
			box.style.cssText = "` + overlayStyle + `";
			for (const m of msgs) {
				const line = document.createElement("div");
				line.textContent = m;
				box.append(line);
			}
			document.body.append(box);
		});
	};
	// A page left for another keeps no stream open (browsers keep left
	// pages alive for the back button, and allow few streams a host), and
	// opens one again when it is shown again.
	addEventListener("pagehide", () => { current?.close(); current = null; });
	addEventListener("pageshow", (e) => { if (e.persisted && !current) connect(); });
	connect();
})();
`
