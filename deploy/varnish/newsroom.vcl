# Newsroom's edge: Varnish (Debian's varnish 7) with the xkey module (varnish-modules) in front of gunicorn.
#
# - Keeps only what the application names with surrogate keys (the xkey header: public pages, feeds, sitemaps,
#   the API's answers; EDGE_PURGE_URLS on) and static files; everything else passes.
# - A request with a session or CSRF cookie (an editor) passes: never served from, nor stored in, the edge.
# - PURGE with an "xkey-purge: key1 key2" header, from the purgers below only, soft-purges every object
#   with one of those keys: they stay as stale copies, served only while the backend is down (grace).
# - Accept-Encoding is normalised to br, gzip or nothing: the backend compresses once, the edge keeps up to
#   three variants of a page (Vary: Accept-Encoding) and a purge drops them all. Run with
#   -p http_gzip_support=off, so Varnish does not rewrite the header itself (deploy/edge.py does).
#
# deploy/edge.py writes a copy with the backend's address (EDGE_BACKEND) and the purgers (EDGE_PURGERS).
vcl 4.1;

import std;
import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    # Down after two failures out of three (about 2 s): stale copies are served instead of errors.
    .probe = {
        .url = "/healthz";
        .interval = 1s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}

# Who may purge: loopback, and the web and worker hosts (add their addresses or networks here).
acl purgers {
    "127.0.0.1";
    "::1";
    # EDGE_PURGERS
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        set req.http.x-purged = xkey.softpurge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-purged));
    }
    unset req.http.x-edge;
    if (req.restarts == 0) {
        unset req.http.x-edge-fallback;  # set by vcl_deliver only
    }
    if (req.method != "GET" && req.method != "HEAD") {
        set req.http.x-edge = "pass";
        return (pass);
    }
    # The API reads no credentials (newsroom/api/lane.py): a signed-in editor gets the readers' answer.
    if (req.url ~ "^/api/v1/") {
        unset req.http.Cookie;
    }
    # Signed in, or about to be (the admin's sign-in form): the backend answers this reader alone.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|csrftoken)=") {
        set req.http.x-edge = "pass";
        return (pass);
    }
    unset req.http.Cookie;  # other cookies (analytics) change nothing the backend sends
    if (req.http.Accept-Encoding ~ "\bbr\b") {
        set req.http.Accept-Encoding = "br";
    } elsif (req.http.Accept-Encoding ~ "\bgzip\b") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
    }
    # A purged copy is served only while the backend is down; when it is up the reader waits for the new one,
    # so a change is visible on the next request after its purge. A fetch that failed (the backend just went
    # down, before the probe noticed; or answered 5xx) comes back here once, to take the stale copy if any.
    if (req.http.x-edge-fallback) {
        set req.grace = 24h;
    } elsif (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_hit {
    if (obj.ttl <= 0s) {
        set req.http.x-edge = "stale";
    }
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        if (bereq.is_bgfetch) {
            return (abandon);  # a refresh that failed never replaces the last good copy
        }
        # For this reader only (vcl_deliver looks for the last good copy first); never kept.
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        return (deliver);
    }
    if (bereq.url ~ "^/static/") {
        return (deliver);  # WhiteNoise's Cache-Control: hashed names for a year
    }
    if (!beresp.http.xkey) {
        # Not a public answer: never kept (remembered as such for a while, so requests are not queued).
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Kept for s-maxage (or until a purge); a day more as a stale copy for when the backend is down, and
    # a day for revalidating with If-None-Match.
    set beresp.grace = 24h;
    set beresp.keep = 24h;
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        return (abandon);  # the backend unreachable: keep serving the last good copy
    }
    set beresp.ttl = 0s;  # the error page is for this reader only
    set beresp.grace = 0s;
    set beresp.keep = 0s;
}

sub vcl_deliver {
    if (resp.status >= 500 && req.restarts == 0 && !req.http.x-edge && (req.method == "GET" || req.method == "HEAD")) {
        set req.http.x-edge-fallback = "1";
        return (restart);  # the last good copy rather than an error, when there is one
    }
    if (req.http.x-edge) {
        set resp.http.X-Cache = req.http.x-edge;
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
    unset resp.http.xkey;  # the keys are for the edge; readers need not see them
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}
