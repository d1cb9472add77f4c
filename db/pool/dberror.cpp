#include "db/pool/dberror.h"

DbError DbError::fromSqlError(const QSqlError &error, const QString &context)
{
    const QString state = error.nativeErrorCode();
    const SqlStateClass c = classify(state, error.type());
    QString message;
    switch (c.kind) {
    case Kind::Unavailable:
        message = state == u"25006"
            ? tr("The database server accepts only reads right now (a standby, or a failover under way). The "
                 "program keeps retrying; if this lasts, the database settings must name the primary server.")
            : tr("The database is unavailable. The program keeps retrying; check that the database server is running.");
        break;
    case Kind::Transient:
        message = tr("The database was busy and the action could not finish. Please try again.");
        break;
    case Kind::SlotTaken:
        message = tr("That time slot was just taken.");
        break;
    case Kind::UniqueViolation:
        message = tr("That record already exists.");
        break;
    case Kind::ConstraintViolation:
        message = tr("The database refused the change because it breaks a rule.");
        break;
    case Kind::Configuration:
        message = tr("The database refused the connection: the database settings need changing.");
        break;
    default:
        // 57014: statement_timeout (or a cancel) stopped the statement. Not a
        // lost connection and not retried: the same work would take as long.
        message = state == u"57014"
            ? tr("The database took too long to answer and stopped the action. Please try again later.")
            : tr("The database reported an error.");
        break;
    }
    // databaseText() is the server's own message; it names constraints and
    // columns but never bound values, so it is safe for the log.
    QString detail = context;
    const QString text = error.databaseText().trimmed().isEmpty() ? error.driverText().trimmed()
                                                                  : error.databaseText().trimmed();
    if (!text.isEmpty())
        detail += (detail.isEmpty() ? QString() : QStringLiteral(": ")) + text;
    DbError result(c.kind, message, detail, state);
    result.setInvalidatesConnection(c.evictConnection);
    return result;
}

bool DbError::isTransient() const
{
    switch (m_kind) {
    case Kind::Unavailable:
    case Kind::Transient:
    case Kind::PoolTimeout:
        return true;
    default:
        return false;
    }
}

bool DbError::isSystemError() const
{
    switch (m_kind) {
    case Kind::None:
    case Kind::SlotTaken:
    case Kind::UniqueViolation:
    case Kind::ConstraintViolation:
    case Kind::NotFound:
    case Kind::Invalid:
        return false;
    default:
        return true;
    }
}

QString DbError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None: return QStringLiteral("none");
    case Kind::PoolTimeout: return QStringLiteral("pool_timeout");
    case Kind::Unavailable: return QStringLiteral("unavailable");
    case Kind::Transient: return QStringLiteral("transient");
    case Kind::SlotTaken: return QStringLiteral("slot_taken");
    case Kind::UniqueViolation: return QStringLiteral("unique_violation");
    case Kind::ConstraintViolation: return QStringLiteral("constraint_violation");
    case Kind::NotFound: return QStringLiteral("not_found");
    case Kind::Invalid: return QStringLiteral("invalid");
    case Kind::Configuration: return QStringLiteral("configuration");
    case Kind::ShuttingDown: return QStringLiteral("shutting_down");
    case Kind::Fatal: return QStringLiteral("fatal");
    }
    return QStringLiteral("unknown");
}

QString DbError::toLogString() const
{
    QString s = kindName(m_kind);
    if (!m_sqlState.isEmpty())
        s += QStringLiteral(" sqlstate=") + m_sqlState;
    if (!m_label.isEmpty())
        s += QStringLiteral(" label=") + m_label;
    if (m_attempts > 1)
        s += QStringLiteral(" attempts=") + QString::number(m_attempts);
    if (!m_detail.isEmpty())
        s += QStringLiteral(" detail=\"") + m_detail + QLatin1Char('"');
    return s;
}

SqlStateClass classify(const QString &sqlState, QSqlError::ErrorType type)
{
    using K = DbError::Kind;
    if (sqlState.size() == 5) {
        const QStringView cls = QStringView(sqlState).left(2);
        if (cls == u"08") // connection exception: gone, refused, protocol
            return {K::Unavailable, true, true};
        if (sqlState == u"57P01" || sqlState == u"57P02" || sqlState == u"57P03") // shutdown, crash, starting
            return {K::Unavailable, true, true};
        if (sqlState == u"53300") // too many connections
            return {K::Unavailable, true, true};
        // A write on a node that accepts only reads: a standby, or a primary
        // demoted without a restart (a proxy may still route an old
        // connection there). Nothing was written, so the work is retried on a
        // fresh connection, which target_session_attrs=read-write takes to
        // the primary once there is one.
        if (sqlState == u"25006")
            return {K::Unavailable, true, true};
        // Refused at connect for a reason only new settings cure: wrong
        // password or user, a pg_hba.conf rule (class 28), no such database.
        if (cls == u"28" || sqlState == u"3D000")
            return {K::Configuration, false, true};
        if (sqlState == u"40001" || sqlState == u"40P01") // serialization failure, deadlock
            return {K::Transient, true, false};
        if (sqlState == u"55P03") // lock not available (NOWAIT / lock_timeout)
            return {K::Transient, true, false};
        if (sqlState == u"23P01")
            return {K::SlotTaken, false, false};
        if (sqlState == u"23505")
            return {K::UniqueViolation, false, false};
        if (cls == u"23")
            return {K::ConstraintViolation, false, false};
        if (cls == u"53" || cls == u"58") // insufficient resources, system error
            return {K::Unavailable, true, true};
        if (cls == u"25" || cls == u"26") // invalid transaction state / statement name
            return {K::Fatal, false, true};
        return {K::Fatal, false, false};
    }
    // No SQLSTATE: QPSQL reports a dead or refused connection this way.
    if (type == QSqlError::ConnectionError)
        return {K::Unavailable, true, true};
    return {K::Fatal, false, false};
}
