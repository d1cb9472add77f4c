#include "keychain/keychainrequest.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFutureWatcher>
#include <QLoggingCategory>
#include <QThread>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN) && !defined(Q_OS_ANDROID)
#define CARWASH_KEYCHAIN_OVER_DBUS 1
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#endif

#include <qt6keychain/keychain.h>

Q_LOGGING_CATEGORY(lcKeychain, "carwash.keychain", QtWarningMsg)

namespace {

#ifdef CARWASH_KEYCHAIN_OVER_DBUS
// On Linux QtKeychain reaches the keychain over the D-Bus session bus. With
// no bus, or no Secret Service or KWallet on it, its error says so only in
// free text ("Cannot autolaunch D-Bus…"); asking the bus first gives a
// clear NoService. Blocking D-Bus calls: runs on a worker thread. Empty
// when a service is there.
QString missingServiceBlocking()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return KeychainRequest::tr(
                   "There is no desktop session bus (D-Bus) to reach a keychain through (%1).")
            .arg(bus.lastError().message());
    const QStringList services
        = {QStringLiteral("org.freedesktop.secrets"), QStringLiteral("org.kde.kwalletd6"),
           QStringLiteral("org.kde.kwalletd5"), QStringLiteral("org.kde.kwalletd")};
    QDBusConnectionInterface *busInterface = bus.interface();
    if (!busInterface)
        return KeychainRequest::tr("The desktop session bus (D-Bus) does not answer.");
    for (const QString &service : services) {
        if (busInterface->isServiceRegistered(service).value())
            return {};
    }
    // A Secret Service the bus starts on demand (GNOME Keyring usually is).
    const QStringList activatable = busInterface->activatableServiceNames().value();
    for (const QString &service : services) {
        if (activatable.contains(service))
            return {};
    }
    return KeychainRequest::tr(
        "No keychain service (GNOME Keyring, KWallet or another Secret Service) runs in "
        "this session.");
}
#endif

} // namespace

QString KeychainRequest::databasePasswordKey(const QString &user, const QString &servers,
                                             const QString &database)
{
    return QStringLiteral("database/%1@%2/%3").arg(user, servers, database);
}

KeychainRequest *KeychainRequest::read(const QString &key, QObject *parent)
{
    return new KeychainRequest(Operation::Read, key, {}, parent);
}

KeychainRequest *KeychainRequest::write(const QString &key, const QString &secret, QObject *parent)
{
    return new KeychainRequest(Operation::Write, key, secret, parent);
}

KeychainRequest *KeychainRequest::remove(const QString &key, QObject *parent)
{
    return new KeychainRequest(Operation::Remove, key, {}, parent);
}

KeychainRequest::KeychainRequest(Operation operation, const QString &key, const QString &secret,
                                 QObject *parent)
    : QObject(parent)
    , m_operation(operation)
    , m_key(key)
    , m_secret(secret)
{ }

KeychainRequest::~KeychainRequest() = default;

void KeychainRequest::start()
{
    if (m_started)
        return;
    m_started = true;
    m_timeout = new QTimer(this);
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, [this] {
        // The QtKeychain job cannot be cancelled; it deletes itself if it
        // ever finishes, and its answer is ignored (finish() runs once).
        qCWarning(lcKeychain).noquote()
            << "keychain request for" << m_key << "timed out after" << m_timeoutMs << "ms";
        finish(
            Error::TimedOut,
            tr("The keychain did not answer within %n second(s). It may be locked and waiting for a password "
               "prompt that nobody can see.",
               nullptr, qMax(1, m_timeoutMs / 1000)));
    });
    m_timeout->start(m_timeoutMs);

#ifdef CARWASH_KEYCHAIN_OVER_DBUS
    auto *probe = new QFutureWatcher<QString>(this);
    connect(probe, &QFutureWatcherBase::finished, this, [this, probe] {
        probe->deleteLater();
        const QString missing = probe->result();
        if (m_finished)
            return;
        if (!missing.isEmpty())
            finish(Error::NoService, missing);
        else
            startJob();
    });
    probe->setFuture(QtConcurrent::run(missingServiceBlocking));
#else
    startJob();
#endif
}

void KeychainRequest::startJob()
{
    QKeychain::Job *job = nullptr;
    switch (m_operation) {
    case Operation::Read:
        job = new QKeychain::ReadPasswordJob(serviceName());
        break;
    case Operation::Write: {
        auto *write = new QKeychain::WritePasswordJob(serviceName());
        write->setTextData(m_secret);
        job = write;
        break;
    }
    case Operation::Remove:
        job = new QKeychain::DeletePasswordJob(serviceName());
        break;
    }
    // No parent and autoDelete: a job that never answers must not take this
    // request (or its owner) down with it when they go.
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(m_key);
    connect(job, &QKeychain::Job::finished, this, &KeychainRequest::jobFinished);
    job->start();
}

void KeychainRequest::jobFinished(QKeychain::Job *job)
{
    if (m_finished)
        return;
    if (m_operation == Operation::Read) {
        if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(job))
            m_secret = read->textData();
    } else {
        m_secret.clear(); // a written secret is not kept in memory longer than needed
    }
    switch (job->error()) {
    case QKeychain::NoError:
        finish(Error::None, {});
        return;
    case QKeychain::EntryNotFound:
        finish(Error::NotFound, tr("Nothing is stored in the keychain under %1.").arg(m_key));
        return;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        finish(Error::AccessDenied, tr("The keychain refused access: %1").arg(job->errorString()));
        return;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        finish(Error::NoService, tr("No keychain service is available: %1").arg(job->errorString()));
        return;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        break;
    }
    finish(Error::Failed, tr("The keychain reported an error: %1").arg(job->errorString()));
}

void KeychainRequest::finish(Error error, const QString &errorString)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = error;
    m_errorString = errorString;
    if (error != Error::None && m_operation == Operation::Read)
        m_secret.clear();
    if (m_timeout)
        m_timeout->stop();
    Q_EMIT finished();
}

bool KeychainRequest::runBlocking()
{
    if (QCoreApplication::instance() && QThread::currentThread() == QCoreApplication::instance()->thread()
        && QCoreApplication::instance()->inherits("QGuiApplication"))
        qCWarning(lcKeychain)
            << "KeychainRequest::runBlocking() on the GUI thread: use start() and finished()";
    QEventLoop loop;
    connect(this, &KeychainRequest::finished, &loop, &QEventLoop::quit);
    start();
    if (!m_finished)
        loop.exec();
    return m_error == Error::None;
}
