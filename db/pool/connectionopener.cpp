#include "db/pool/connectionopener.h"

#include "db/pool/connectrefusal.h"

#include <QElapsedTimer>
#include <QRegularExpression>

#include <libpq-fe.h>

namespace {

// A dead path is noticed within about a minute either way: 30 s idle, then
// three probes 10 s apart; unacknowledged data for 60 s.
constexpr int KeepaliveIdleS = 30;
constexpr int KeepaliveIntervalS = 10;
constexpr int KeepaliveCount = 3;
constexpr int TcpUserTimeoutMs = (KeepaliveIdleS + KeepaliveIntervalS * KeepaliveCount) * 1000;

} // namespace

QStringList ConnectionOpener::deadLinkOptions()
{
    QStringList options {QStringLiteral("keepalives=1"),
                         QStringLiteral("keepalives_idle=%1").arg(KeepaliveIdleS),
                         QStringLiteral("keepalives_interval=%1").arg(KeepaliveIntervalS),
                         QStringLiteral("keepalives_count=%1").arg(KeepaliveCount)};
    // An older libpq refuses the whole connection on an option it does not know.
    if (PQlibVersion() >= 120000)
        options << QStringLiteral("tcp_user_timeout=%1").arg(TcpUserTimeoutMs);
    return options;
}

QString ConnectionOpener::safeApplicationName(const QString &name)
{
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    QString s = name;
    s.replace(unsafe, QStringLiteral("_"));
    return s.left(63);
}

std::optional<QSqlDatabase> ConnectionOpener::openBlocking(const DatabaseConfig &config, const QString &name,
                                                           DbError &error, const QStringList &extraOptions)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    if (!db.isValid()) {
        error = DbError(
            DbError::Kind::Configuration,
            DbError::tr("The PostgreSQL driver for Qt is missing. Install the package libqt6sql6-psql."),
            QStringLiteral("QSqlDatabase driver QPSQL not available"));
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return std::nullopt;
    }
    // Several servers: libpq's lists. QPSQL quotes the host value as one
    // (host='h1,h2') but has only an int port, so the ports go as an option.
    db.setHostName(config.libpqHosts());
    if (!config.isMultiHost())
        db.setPort(config.port);
    db.setDatabaseName(config.database);
    db.setUserName(config.user);
    db.setPassword(config.password);
    QStringList options;
    if (config.isMultiHost())
        options << QStringLiteral("port=") + config.libpqPorts();
    if (!config.targetSessionAttrs.isEmpty())
        options << QStringLiteral("target_session_attrs=") + config.targetSessionAttrs;
    options << QStringLiteral("connect_timeout=%1").arg(config.connectTimeoutS);
    if (!config.applicationName.isEmpty())
        options << QStringLiteral("application_name=") + safeApplicationName(config.applicationName);
    if (!config.sslMode.isEmpty())
        options << QStringLiteral("sslmode=") + config.sslMode;
    options << extraOptions;
    db.setConnectOptions(options.join(QLatin1Char(';')));
    QElapsedTimer opening;
    opening.start();
    if (!db.open()) {
        // lastError() never contains the password: libpq does not echo it.
        error = DbError::fromSqlError(db.lastError(),
                                      QStringLiteral("connect to %1").arg(config.redactedUrl()));
        // QPSQL's failed open has no SQLSTATE: ask libpq why, unless the
        // server never answered within the connect timeout (a second try
        // would only wait as long again; that stays Unavailable).
        const bool timedOut = config.connectTimeoutS > 0 && opening.elapsed() >= config.connectTimeoutS * 1000;
        if (error.kind() == DbError::Kind::Unavailable && error.sqlState().isEmpty() && !timedOut) {
            if (const std::optional<DbError> refused = ConnectRefusal::diagnoseBlocking(config)) {
                error = DbError(refused->kind(), refused->message(), error.detail() + QStringLiteral("; ") + refused->detail(),
                                refused->sqlState());
                error.setInvalidatesConnection(true);
            }
        }
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return std::nullopt;
    }
    return db;
}
