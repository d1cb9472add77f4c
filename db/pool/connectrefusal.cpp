#include "db/pool/connectrefusal.h"

#include <QDeadlineTimer>
#include <QRegularExpression>

#include <libpq-fe.h>
#include <poll.h>

#include <vector>

namespace {

struct Attempt
{
    bool answered = false; // the server spoke: connected, or refused with a SQLSTATE
    QString sqlState;
    bool needsPassword = false;
};

// One libpq connection attempt with the config's parameters. The verbosity
// is set before the server can answer, so its refusal carries the SQLSTATE.
// withPassword false never sends a password (nor one from ~/.pgpass or
// PGPASSWORD): used for a probe without SSL, where it would travel in clear.
// Every server of a multi-host config, tried as libpq tries them, with
// targetSessionAttrs.
Attempt attempt(const DatabaseConfig &config, const QString &sslMode, bool withPassword,
                const QString &targetSessionAttrs)
{
    std::vector<QByteArray> keys;
    std::vector<QByteArray> values;
    const auto add = [&](const char *key, const QString &value) {
        if (value.isEmpty())
            return;
        keys.emplace_back(key);
        values.push_back(value.toUtf8());
    };
    add("host", config.libpqHosts());
    add("port", config.libpqPorts());
    add("target_session_attrs", targetSessionAttrs);
    add("dbname", config.database);
    add("user", config.user);
    add("sslmode", sslMode);
    add("application_name", QStringLiteral("carwash-connect-check"));
    if (withPassword) {
        add("password", config.password);
    } else {
        keys.emplace_back("password");
        values.emplace_back("");
        keys.emplace_back("passfile");
        values.emplace_back("/dev/null");
    }
    std::vector<const char *> k;
    std::vector<const char *> v;
    for (size_t i = 0; i < keys.size(); ++i) {
        k.push_back(keys[i].constData());
        v.push_back(values[i].constData());
    }
    k.push_back(nullptr);
    v.push_back(nullptr);

    Attempt result;
    PGconn *conn = PQconnectStartParams(k.data(), v.data(), 0);
    if (!conn)
        return result;
    PQsetErrorVerbosity(conn, PQERRORS_SQLSTATE);
    // PQconnectPoll ignores connect_timeout: the deadline is ours.
    const QDeadlineTimer deadline(std::max(1, config.connectTimeoutS > 0 ? config.connectTimeoutS : 10)
                                  * 1000);
    PostgresPollingStatusType status
        = PQstatus(conn) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
    while (status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED) {
        pollfd fd {PQsocket(conn), short(status == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
        const qint64 left = deadline.remainingTime();
        if (fd.fd < 0 || left == 0 || ::poll(&fd, 1, int(left)) == 0)
            break;
        status = PQconnectPoll(conn);
    }
    if (status == PGRES_POLLING_OK) {
        result.answered = true;
    } else if (status == PGRES_POLLING_FAILED) {
        result.needsPassword = PQconnectionNeedsPassword(conn);
        result.sqlState = ConnectRefusal::sqlStateOf(QString::fromUtf8(PQerrorMessage(conn)));
        result.answered = result.needsPassword || !result.sqlState.isEmpty();
    }
    PQfinish(conn);
    return result;
}

bool requiresSsl(const QString &sslMode)
{
    return sslMode == u"require" || sslMode == u"verify-ca" || sslMode == u"verify-full";
}

} // namespace

QString ConnectRefusal::sqlStateOf(const QString &libpqMessage)
{
    // libpq writes a server error as "SEVERITY:  SQLSTATE" at the end of its
    // line with this verbosity; client-side failures have no such field.
    // Several hosts tried give several lines: the last is the last tried.
    static const QRegularExpression field(QStringLiteral(R"(:  ([0-9A-Z]{5})$)"),
                                          QRegularExpression::MultilineOption);
    QString state;
    for (auto it = field.globalMatch(libpqMessage.trimmed()); it.hasNext();)
        state = it.next().captured(1);
    return state;
}

std::optional<DbError> ConnectRefusal::diagnoseBlocking(const DatabaseConfig &config)
{
    const Attempt seen = attempt(config, config.sslMode, true, config.targetSessionAttrs);
    Diagnosis diagnosis;
    diagnosis.sqlState = seen.sqlState;
    diagnosis.needsPassword = seen.needsPassword;
    // No answer with SSL required: whether the server answers without SSL
    // tells an SSL mismatch from a server that is down, without reading
    // libpq's (translated) message text.
    if (!seen.answered && requiresSsl(config.sslMode))
        diagnosis.sslRefused
            = attempt(config, QStringLiteral("disable"), false, config.targetSessionAttrs).answered;
    // Likewise a server that lets us in, but not in the role asked for (only
    // a standby up while read-write is wanted): libpq's refusal has no SQLSTATE.
    const bool rolePicky = !config.targetSessionAttrs.isEmpty() && config.targetSessionAttrs != u"any";
    if (!seen.answered && !diagnosis.sslRefused && rolePicky) {
        const Attempt anyRole = attempt(config, config.sslMode, true, QStringLiteral("any"));
        diagnosis.noServerInRole = anyRole.answered && anyRole.sqlState.isEmpty() && !anyRole.needsPassword;
    }
    return toError(config, diagnosis);
}

std::optional<DbError> ConnectRefusal::toError(const DatabaseConfig &config, const Diagnosis &diagnosis)
{
    const QString user = config.user;
    const QString database = config.database;
    QString message;
    const QString state = diagnosis.sqlState;
    if (diagnosis.noServerInRole) {
        // Passes by itself once a standby is promoted: Unavailable, retried.
        DbError error(DbError::Kind::Unavailable,
                      tr("The database servers (%1) answer, but none of them is in the role the settings ask "
                         "for (target_session_attrs=%2): the primary may be down while a standby takes over. "
                         "The program keeps retrying; if this lasts, ask the database administrator to check "
                         "the servers' failover.")
                          .arg(config.serverText(), config.targetSessionAttrs),
                      QStringLiteral("no server in %1 matches target_session_attrs=%2")
                          .arg(config.hostPortList(), config.targetSessionAttrs));
        error.setInvalidatesConnection(true);
        return error;
    }
    if (diagnosis.sslRefused) {
        message = tr("The database server does not accept the connection with sslmode “%1”, but answers "
                     "without SSL. Change sslmode in the database settings (or in DATABASE_URL) to prefer or "
                     "disable, or set up SSL on the server.")
                      .arg(config.sslMode);
    } else if (diagnosis.needsPassword && state.isEmpty()) {
        message = tr("The database server asks for a password for user “%1” and none is set. Enter the "
                     "password in the database settings (or in DATABASE_URL).")
                      .arg(user);
    } else if (classify(state, QSqlError::ConnectionError).kind != DbError::Kind::Configuration
               && state != u"42501") {
        return std::nullopt;
    } else if (state == u"28P01") {
        message = tr("The database server refused the password for user “%1”. Enter the right password "
                     "in the database settings (or in DATABASE_URL).")
                      .arg(user);
    } else if (state == u"3D000") {
        message = tr("The database “%1” does not exist on the server. Check the database name in the "
                     "database settings (or in DATABASE_URL).")
                      .arg(database);
    } else if (state == u"42501") {
        message = tr("User “%1” may not connect to the database “%2”. Check the user name in the database "
                     "settings, or ask the database administrator to grant it CONNECT.")
                      .arg(user, database);
    } else {
        // 28000: an unknown role and a pg_hba.conf refusal share the code.
        message = tr("The database server does not let user “%1” connect to “%2” from this computer: the "
                     "user name is wrong, or the server's pg_hba.conf does not allow it. Check the user name "
                     "in the database settings, or ask the database administrator to allow this computer "
                     "in pg_hba.conf.")
                      .arg(user, database);
    }
    const QString why = diagnosis.sslRefused
        ? QStringLiteral("refused with sslmode=%1, answers without SSL").arg(config.sslMode)
        : state.isEmpty() ? QStringLiteral("password required, none set")
                          : QStringLiteral("refused with sqlstate %1").arg(state);
    DbError error(DbError::Kind::Configuration, message, why, state);
    error.setInvalidatesConnection(true);
    return error;
}
