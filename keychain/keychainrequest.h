#pragma once

#include <QObject>
#include <QString>

class QTimer;
namespace QKeychain {
class Job;
}

// One read, write or removal of a secret in the operating system's keychain
// (QtKeychain: Secret Service such as GNOME Keyring, KWallet, macOS Keychain,
// Windows Credential Store), KJob-style: start(), one finished() signal, then
// error() and errorString(). It never blocks its thread, and it always
// finishes: a keychain that does not answer (a locked GNOME Keyring waits
// forever for a password prompt) ends in TimedOut. Use every request of a
// process from one thread (QtKeychain queues all jobs on one executor).
class KeychainRequest : public QObject
{
    Q_OBJECT
public:
    enum class Error {
        None,
        NotFound, // nothing stored under the key (reading)
        NoService, // no keychain service on this computer or in this session
        TimedOut, // the service did not answer in time
        AccessDenied, // refused by the user or the service
        Failed, // anything else; errorString() says what
    };

    static constexpr int DefaultTimeoutMs = 5000;

    // The service name every program files its secrets under.
    static QString serviceName() { return QStringLiteral("carwash-desk"); }
    // The key of a database password: "database/<user>@<host>:<port>/<db>";
    // servers is "<host>:<port>", or several joined by ',' (a primary and
    // its standbys, DatabaseConfig::hostPortList()).
    static QString databasePasswordKey(const QString &user, const QString &servers, const QString &database);

    static KeychainRequest *read(const QString &key, QObject *parent = nullptr);
    static KeychainRequest *write(const QString &key, const QString &secret, QObject *parent = nullptr);
    static KeychainRequest *remove(const QString &key, QObject *parent = nullptr);

    ~KeychainRequest() override;

    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }
    // Starts once; finished() follows later, never from inside start().
    void start();
    // start() and a local event loop until finished(). For command-line
    // programs and worker threads only: never on a GUI thread.
    bool runBlocking();

    bool isFinished() const { return m_finished; }
    Error error() const { return m_error; }
    QString errorString() const { return m_errorString; }
    QString key() const { return m_key; }
    // What read() found; empty otherwise.
    QString secret() const { return m_secret; }

Q_SIGNALS:
    void finished();

private:
    enum class Operation { Read, Write, Remove };
    KeychainRequest(Operation operation, const QString &key, const QString &secret, QObject *parent);

    void startJob();
    void jobFinished(QKeychain::Job *job);
    void finish(Error error, const QString &errorString);

    Operation m_operation;
    QString m_key;
    QString m_secret;
    int m_timeoutMs = DefaultTimeoutMs;
    bool m_started = false;
    bool m_finished = false;
    Error m_error = Error::None;
    QString m_errorString;
    QTimer *m_timeout = nullptr;
};
