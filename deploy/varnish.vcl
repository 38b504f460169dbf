vcl 4.1;
# Varnish in front of Newsroom's gunicorn (Debian: apt install varnish varnish-modules).
#
# Anonymous readers' pages are kept for as long as the app's `s-maxage` says, which it sends
# only when PAGE_PURGER=varnish-xkey (or varnish-ban) tells this Varnish of every change:
# a write purges exactly the pages that show what it changed, by the page keys each page
# carries in `Surrogate-Key` (articles/caching.py, articles/purging.py). Staff, visitors with
# a pending message and every non-GET request go straight to the app.
#
#   varnishd -a :6081 -f /etc/varnish/newsroom.vcl -s malloc,1G
#   PAGE_PURGER=varnish-xkey PURGE_URLS=http://127.0.0.1:6081/ gunicorn -c gunicorn.conf.py

import xkey;

# The app (gunicorn, or a load balancer in front of several app servers).
backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge: the app servers.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (!req.http.xkey) {
            return (synth(400, "No xkey header"));
        }
        # Space-separated page keys: every page showing one of them goes.
        set req.http.n-gone = xkey.purge(req.http.xkey);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.http.X-Ban-Keys !~ "^[A-Za-z0-9:_ -]+$") {
            return (synth(400, "Bad X-Ban-Keys"));
        }
        ban("obj.http.xkey ~ (^| )(" + regsuball(req.http.X-Ban-Keys, " ", "|") + ")( |$)");
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff and visitors with a pending message get their own fresh, private pages.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # Any other cookie (a CSRF token left from a form) changes nothing on a reader page.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # xkey indexes the `xkey` header; the app names its page keys `Surrogate-Key`.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # A response that sets a cookie is one visitor's: never kept (the built-in rule also
    # refuses private, no-store and no-cache, and max-age=0 without s-maxage keeps nothing).
    if (beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        return (deliver);
    }
    # No stale page past its lifetime: the app cut it at the next scheduled publication.
    set beresp.grace = 0s;
}

sub vcl_deliver {
    # Page keys are for caches, not browsers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    if (obj.hits > 0) {
        set resp.http.X-Varnish-Cache = "hit";
    } else {
        set resp.http.X-Varnish-Cache = "miss";
    }
}
