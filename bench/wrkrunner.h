#pragma once

#include <QString>

// wrk, the HTTP load generator (Debian package wrk), against one URL:
// `wrk -t2 -c<connections> -d<seconds>s --latency [-s <script>] <url>`, its
// report parsed. A Lua script (wrk's request()/response() hooks) varies the
// requests or stops early; the lines it prints stay in Outcome::output.
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
    double seconds = 0; // as wrk measured it ("… requests in 4.00s")
    QString output;
};

Outcome run(const QString &url, int connections, int seconds, const QString &scriptPath = {});

} // namespace WrkRunner
