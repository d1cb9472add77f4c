#pragma once

#include <QString>

// wrk, the HTTP load generator (Debian package wrk), against one URL:
// `wrk -t2 -c<connections> -d<seconds>s --latency <url>`, its report parsed.
// Blocking.
namespace WrkRunner {

struct Outcome
{
    bool ok = false;
    QString error; // wrk missing, failed or printed no figures
    double requestsPerSecond = 0;
    qint64 requests = 0;
    qint64 non2xx = 0; // "Non-2xx or 3xx responses"
    qint64 socketErrors = 0; // connect + read + write + timeout
    QString socketErrorText; // wrk's line, when there were any
    double p50Ms = 0, p90Ms = 0, p99Ms = 0;
};

Outcome run(const QString &url, int connections, int seconds);

} // namespace WrkRunner
