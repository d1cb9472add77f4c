#include "db/kiosk/kioskrepo.h"

#include "db/audit/auditlog.h"
#include "db/bookings/bookingrepo.h"
#include "db/health/processhealthrepo.h"
#include "db/health/processidentity.h"
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrepo.h"
#include "db/payments/readerrepo.h"
#include "db/pool/sql.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QTimeZone>

namespace {

const QString KioskSelectSql = QStringLiteral(
    "SELECT k.name, coalesce(r.id, ''), k.language, array_to_string(k.methods, ','), "
    "(extract(epoch FROM k.updated_at) * 1000)::bigint, k.updated_by, "
    "EXISTS (SELECT 1 FROM process_health AS h WHERE h.program = '%3' AND h.label = k.name "
    "        AND h.updated_at > now() - make_interval(secs => %2)) "
    "FROM kiosks AS k LEFT JOIN card_readers AS r ON r.assigned_kind = 'kiosk' AND r.assigned_to = k.name "
    "%1 ORDER BY k.name");

QDateTime utcFromMs(const QVariant &ms)
{
    return ms.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(ms.toLongLong(), QTimeZone::utc());
}

// A text[] literal of words from a fixed vocabulary (no quoting needed).
QString textArray(const QStringList &words)
{
    return QLatin1Char('{') + words.join(QLatin1Char(',')) + QLatin1Char('}');
}

} // namespace

KioskRepo::KioskRepo(QSqlDatabase &db)
    : m_db(db)
{ }

QString KioskRepo::actorFor(const QString &kioskName)
{
    return QStringLiteral("kiosk:") + kioskName;
}

QString KioskRepo::program()
{
    return QStringLiteral("carwash-kiosk");
}

QString KioskRepo::defaultName()
{
    return ProcessIdentity::hostName().left(MaxNameLength);
}

QString KioskRepo::nameProblem(const QString &name)
{
    if (name.trimmed().isEmpty())
        return tr("Give the kiosk a name people recognise it by, such as \"Entrance\".");
    if (name != name.trimmed())
        return tr("A kiosk's name may not begin or end with a space.");
    if (name.size() > MaxNameLength)
        return tr("A kiosk's name may have at most %1 characters.").arg(MaxNameLength);
    return {};
}

QStringList KioskRepo::languages()
{
    return {QStringLiteral("en"), QStringLiteral("es"), QStringLiteral("de")};
}

QStringList KioskRepo::allMethods()
{
    return {QStringLiteral("reader"), QStringLiteral("phone"), QStringLiteral("desk")};
}

QStringList KioskRepo::orderedMethods(const QStringList &methods)
{
    QStringList ordered;
    for (const QString &m : allMethods()) {
        if (methods.contains(m))
            ordered << m;
    }
    return ordered;
}

QList<KioskProfile> KioskRepo::select(const QString &where, const QVariantList &binds)
{
    QSqlQuery q = Sql::exec(
        m_db, KioskSelectSql.arg(where, QString::number(ProcessHealthRepo::StaleAfterSeconds), program()),
        binds);
    QList<KioskProfile> kiosks;
    while (q.next()) {
        KioskProfile k;
        k.name = q.value(0).toString();
        k.readerId = q.value(1).toString();
        k.language = q.value(2).toString();
        k.methods = orderedMethods(q.value(3).toString().split(QLatin1Char(','), Qt::SkipEmptyParts));
        k.updatedAt = utcFromMs(q.value(4));
        k.updatedBy = q.value(5).toString();
        k.running = q.value(6).toBool();
        kiosks.append(k);
    }
    return kiosks;
}

std::optional<KioskProfile> KioskRepo::find(const QString &name)
{
    const QList<KioskProfile> found = select(QStringLiteral("WHERE k.name = ?"), {name});
    return found.isEmpty() ? std::nullopt : std::optional<KioskProfile>(found.first());
}

QList<KioskProfile> KioskRepo::list()
{
    return select(QString(), {});
}

void KioskRepo::insertIfMissing(const QString &name)
{
    QSqlQuery q = Sql::exec(m_db,
                            QStringLiteral("INSERT INTO kiosks (name, updated_by) VALUES (?, ?) "
                                           "ON CONFLICT (name) DO NOTHING RETURNING language, "
                                           "array_to_string(methods, ',')"),
                            {name, actorFor(name)});
    if (q.next())
        AuditLog::write(m_db, actorFor(name), QStringLiteral("kiosk.created"), QStringLiteral("kiosk"), name,
                        {{QStringLiteral("language"), q.value(0).toString()},
                         {QStringLiteral("methods"), q.value(1).toString()}});
}

KioskProfile KioskRepo::ensure(const QString &name)
{
    if (const QString problem = nameProblem(name); !problem.isEmpty())
        throw DbException(DbError(DbError::Kind::Invalid, problem, QStringLiteral("kiosk name")));
    Transaction tx(m_db);
    insertIfMissing(name);
    const KioskProfile profile = *find(name);
    tx.commit();
    return profile;
}

QList<FieldError> KioskRepo::validate(const QString &name, const KioskChange &change)
{
    QList<FieldError> problems;
    if (const QString problem = nameProblem(name); !problem.isEmpty())
        problems.append({QStringLiteral("name"), problem});
    if (change.language && !languages().contains(*change.language))
        problems.append({QStringLiteral("language"),
                         tr("\"%1\" is not a kiosk language; use one of: %2.")
                             .arg(*change.language, languages().join(QStringLiteral(", ")))});
    if (change.methods) {
        QStringList unknown;
        for (const QString &m : *change.methods) {
            if (!allMethods().contains(m))
                unknown << m;
        }
        if (!unknown.isEmpty())
            problems.append(
                {QStringLiteral("methods"),
                 tr("\"%1\" is not a way of paying at a kiosk; use one or more of: %2.")
                     .arg(unknown.join(QStringLiteral(", ")), allMethods().join(QStringLiteral(", ")))});
        else if (change.methods->isEmpty())
            problems.append({QStringLiteral("methods"),
                             tr("A kiosk needs at least one way of paying; use one or more of: %1.")
                                 .arg(allMethods().join(QStringLiteral(", ")))});
    }
    if (change.readerId && !change.readerId->isEmpty() && !ReaderRepo::isReaderId(*change.readerId))
        problems.append({QStringLiteral("reader"),
                         tr("\"%1\" is not a Stripe reader ID: those look like tmr_FDOt2wlRZEdpd7 (see: "
                            "carwash-admin reader list).")
                             .arg(*change.readerId)});
    return problems;
}

DbResult<KioskProfile> KioskRepo::set(const QString &name, const KioskChange &change, const QString &actor)
{
    if (const QList<FieldError> problems = validate(name, change); !problems.isEmpty()) {
        QStringList lines;
        for (const FieldError &e : problems)
            lines << QStringLiteral("%1: %2").arg(e.field, e.message);
        return DbError(DbError::Kind::Invalid, lines.join(QLatin1Char('\n')));
    }
    Transaction tx(m_db);
    insertIfMissing(name);
    // The row locked: two managers changing one kiosk take turns.
    Sql::exec(m_db, QStringLiteral("SELECT 1 FROM kiosks WHERE name = ? FOR UPDATE"), {name});
    QJsonObject details;
    if (change.language) {
        Sql::exec(m_db, QStringLiteral("UPDATE kiosks SET language = ? WHERE name = ?"),
                  {*change.language, name});
        details.insert(QStringLiteral("language"), *change.language);
    }
    if (change.methods) {
        const QStringList methods = orderedMethods(*change.methods);
        Sql::exec(m_db, QStringLiteral("UPDATE kiosks SET methods = ?::text[] WHERE name = ?"),
                  {textArray(methods), name});
        details.insert(QStringLiteral("methods"), QJsonArray::fromStringList(methods));
    }
    if (change.readerId) {
        ReaderRepo readers(m_db);
        const std::optional<CardReader> current = readers.forDevice(QStringLiteral("kiosk"), name);
        const QString &wanted = *change.readerId;
        if (!wanted.isEmpty() && (!current || current->id != wanted)) {
            // A reader serving another desk or kiosk stays there: taking it
            // away would leave that device without its reader unannounced.
            const std::optional<CardReader> reader = readers.byId(wanted);
            if (!reader)
                return DbError(
                    DbError::Kind::NotFound,
                    tr("There is no card reader %1 (see: carwash-admin reader list).").arg(wanted));
            if (reader->isAssigned())
                return DbError(
                    DbError::Kind::Invalid,
                    tr("Reader %1 serves the %2; a reader serves one desk or kiosk. Unassign it "
                       "there first.")
                        .arg(wanted, ReaderRepo::deviceWords(reader->assignedKind, reader->assignedTo)));
        }
        if (current && current->id != wanted) {
            const DbResult<CardReader> unassigned = readers.unassign(current->id, actor);
            if (!unassigned.ok())
                return unassigned.error();
        }
        if (!wanted.isEmpty() && (!current || current->id != wanted)) {
            const DbResult<CardReader> assigned
                = readers.assign(wanted, QStringLiteral("kiosk"), name, actor);
            if (!assigned.ok())
                return assigned.error();
        }
        details.insert(QStringLiteral("reader"), wanted);
    }
    Sql::exec(m_db, QStringLiteral("UPDATE kiosks SET updated_by = ? WHERE name = ?"), {actor, name});
    AuditLog::write(m_db, actor, QStringLiteral("kiosk.changed"), QStringLiteral("kiosk"), name, details);
    const KioskProfile profile = *find(name);
    tx.commit();
    return profile;
}

DbResult<KioskRelease> KioskRepo::releaseHold(qint64 bookingId, const QString &actor, const QString &why)
{
    Transaction tx(m_db);
    const DbResult<AmountDue> locked = PaymentRepo(m_db).lockDue(bookingId);
    if (!locked.ok())
        return locked.error();
    const AmountDue &owed = locked.value();
    KioskRelease release;
    // booking_status_now: a hold past its expiry reads 'expired' while its
    // row still says 'held'.
    const bool held = owed.status == u"held";
    const bool lapsed = !held
        && Sql::scalar(m_db, QStringLiteral("SELECT status = 'held' FROM bookings WHERE id = ?"), {bookingId})
               .toBool();
    if (!held && !lapsed) {
        release.untouchedBookingIds.append(bookingId);
        tx.commit();
        return release;
    }
    release.cancelledPaymentIds = CardPaymentRequests(m_db).cancelLiveCard(owed, actor, why);
    if (!release.cancelledPaymentIds.isEmpty()) {
        QSqlQuery requests = Sql::exec(m_db,
                                       QStringLiteral("SELECT id FROM payment_requests WHERE kind = 'cancel' "
                                                      "AND payment_id = ANY(?::bigint[]) ORDER BY id"),
                                       {Sql::idArray(release.cancelledPaymentIds)});
        while (requests.next())
            release.cancelRequestIds.append(requests.value(0).toLongLong());
    }
    const DbResult<Booking> changed = BookingRepo(m_db).changeStatus(
        QString::number(bookingId), held ? QStringLiteral("cancelled") : QStringLiteral("expired"), actor,
        why);
    if (!changed.ok())
        return changed.error();
    (held ? release.releasedBookingIds : release.expiredBookingIds).append(bookingId);
    tx.commit();
    return release;
}

KioskRelease KioskRepo::releaseHolds(const QString &kioskName, const QString &why)
{
    const QString actor = actorFor(kioskName);
    QList<qint64> holds;
    {
        QSqlQuery q = Sql::exec(
            m_db,
            QStringLiteral("SELECT id FROM bookings WHERE status = 'held' AND created_by = ? ORDER BY id"),
            {actor});
        while (q.next())
            holds.append(q.value(0).toLongLong());
    }
    KioskRelease release;
    for (qint64 id : holds) {
        const DbResult<KioskRelease> one = releaseHold(id, actor, why);
        if (one.ok())
            release.add(*one);
    }
    return release;
}
