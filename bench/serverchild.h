#pragma once

#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QTemporaryFile>

#include <memory>

class BenchServer;

// carwash-server, the real program beside carwash-bench (else on the PATH),
// as a child the benchmark measures: pointed at the benchmark's database
// with the application_name "carwash-bench-server", listening on
// 127.0.0.1 and a free port, its log in a temporary file. Blocking; main
// thread only. The destructor terminates a server still running.
class ServerChild
{
public:
    static inline const QString ApplicationName = QStringLiteral("carwash-bench-server");

    ServerChild() = default;
    ~ServerChild();
    ServerChild(const ServerChild &) = delete;
    ServerChild &operator=(const ServerChild &) = delete;

    static QString programPath();

    // Starts it with extra (e.g. STRIPE_*) added to the environment, waits
    // for its "listening on" line and until GET readyPath answers 200 (it
    // migrates first), asking every few milliseconds. False with what it said
    // otherwise.
    bool start(const BenchServer &database, const QProcessEnvironment &extra, QString *error,
               const QByteArray &readyPath = QByteArrayLiteral("/health"));
    // From just before the process was started to that first 200, in ms.
    double startedToReadyMs() const { return m_startedToReadyMs; }
    // SIGTERM, then waits for it to finish its requests and exit: its exit
    // code, or -1 when it crashed or had to be killed.
    int stop();

    quint16 port() const { return m_port; }
    qint64 pid() const;
    // VmRSS and VmHWM from /proc/<pid>/status, in bytes; -1 when unreadable.
    qint64 rssBytes() const;
    qint64 peakRssBytes() const;
    // Where its log ends now; then the statuses it logged for path since
    // (its one line per request: "GET /health 200 3 ms").
    qint64 logSize() const;
    QMap<int, qint64> loggedStatuses(const QString &path, qint64 fromOffset,
                                     const QByteArray &method = QByteArrayLiteral("GET")) const;
    // The longest any request logged since fromOffset took inside the
    // server, from its handler's start to its answer written; -1 when none.
    qint64 slowestLoggedMs(qint64 fromOffset) const;
    // The last lines of its log, for an error message.
    QString logTail(int lines = 20) const;

private:
    qint64 statusField(const char *name) const;

    std::unique_ptr<QProcess> m_process;
    QTemporaryFile m_log;
    quint16 m_port = 0;
    double m_startedToReadyMs = 0;
};
