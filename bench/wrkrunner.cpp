#include "bench/wrkrunner.h"

#include "bench/interruption.h"

#include <QProcess>
#include <QRegularExpression>

namespace {

// wrk's "812.00us", "4.99ms", "1.02s" in milliseconds.
double milliseconds(const QString &number, const QString &unit)
{
    const double value = number.toDouble();
    if (unit == u"us")
        return value / 1000.0;
    if (unit == u"s")
        return value * 1000.0;
    if (unit == u"m")
        return value * 60000.0;
    return value;
}

} // namespace

namespace WrkRunner {

Outcome run(const QString &url, int connections, int seconds, const QString &scriptPath)
{
    Outcome outcome;
    QProcess wrk;
    wrk.setProcessChannelMode(QProcess::MergedChannels);
    QStringList arguments {QStringLiteral("-t2"), QStringLiteral("-c%1").arg(connections),
                           QStringLiteral("-d%1s").arg(seconds), QStringLiteral("--latency")};
    if (!scriptPath.isEmpty())
        arguments << QStringLiteral("-s") << scriptPath;
    wrk.start(QStringLiteral("wrk"), arguments << url);
    if (!wrk.waitForStarted(10000)) {
        outcome.error = QStringLiteral("wrk did not start (%1); install the Debian package wrk "
                                       "(scripts/setup-deps.sh does)")
                            .arg(wrk.errorString());
        return outcome;
    }
    const int limitMs = (seconds + 60) * 1000;
    int waitedMs = 0;
    while (!wrk.waitForFinished(200)) {
        waitedMs += 200;
        if (Interruption::requested() || waitedMs > limitMs) {
            wrk.kill();
            wrk.waitForFinished(5000);
            outcome.error = Interruption::requested() ? QStringLiteral("interrupted")
                                                      : QStringLiteral("wrk did not finish in time");
            return outcome;
        }
    }
    const QString out = QString::fromLocal8Bit(wrk.readAll());
    static const QRegularExpression rps(QStringLiteral(R"(Requests/sec:\s+([0-9.]+))"));
    static const QRegularExpression total(QStringLiteral(R"((\d+) requests in ([0-9.]+)(us|ms|s|m))"));
    static const QRegularExpression non2xx(QStringLiteral(R"(Non-2xx or 3xx responses:\s+(\d+))"));
    static const QRegularExpression socket(
        QStringLiteral(R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))"));
    static const QRegularExpression percent(QStringLiteral(R"(^\s+(50|90|99)%\s+([0-9.]+)(us|ms|s|m)\s*$)"),
                                            QRegularExpression::MultilineOption);
    const QRegularExpressionMatch rpsMatch = rps.match(out);
    if (wrk.exitStatus() != QProcess::NormalExit || wrk.exitCode() != 0 || !rpsMatch.hasMatch()) {
        outcome.error
            = QStringLiteral("wrk failed (exit %1): %2").arg(wrk.exitCode()).arg(out.trimmed().right(600));
        return outcome;
    }
    outcome.requestsPerSecond = rpsMatch.captured(1).toDouble();
    const QRegularExpressionMatch totalMatch = total.match(out);
    outcome.requests = totalMatch.captured(1).toLongLong();
    outcome.seconds = milliseconds(totalMatch.captured(2), totalMatch.captured(3)) / 1000.0;
    outcome.output = out;
    outcome.non2xx = non2xx.match(out).captured(1).toLongLong();
    const QRegularExpressionMatch socketMatch = socket.match(out);
    if (socketMatch.hasMatch()) {
        for (int i = 1; i <= 4; ++i)
            outcome.socketErrors += socketMatch.captured(i).toLongLong();
        outcome.socketErrorText = socketMatch.captured(0);
    }
    for (QRegularExpressionMatchIterator it = percent.globalMatch(out); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        const double ms = milliseconds(m.captured(2), m.captured(3));
        if (m.captured(1) == u"50")
            outcome.p50Ms = ms;
        else if (m.captured(1) == u"90")
            outcome.p90Ms = ms;
        else
            outcome.p99Ms = ms;
    }
    outcome.ok = true;
    return outcome;
}

} // namespace WrkRunner
