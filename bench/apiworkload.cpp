#include "bench/apiworkload.h"

#include "bench/bookingtransaction.h"
#include "bench/statementcapture.h"
#include "db/availability/availabilityrepo.h"
#include "db/pool/sql.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

namespace {

// A Lua string literal (the paths and keys are plain ASCII).
QString lua(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString luaTable(const QStringList &paths)
{
    QStringList items;
    for (const QString &path : paths)
        items << lua(path);
    return QStringLiteral("{\n  ") + items.join(QStringLiteral(",\n  ")) + QStringLiteral("\n}");
}

// Each wrk thread learns its number in setup() before its init().
const QString ThreadIds = QStringLiteral("local counter = 0\n"
                                         "function setup(thread)\n"
                                         "  thread:set(\"id\", counter)\n"
                                         "  counter = counter + 1\n"
                                         "end\n");

// A GET script over paths: the paths as the Lua table `paths` and each
// thread's number `id`, then body (its init() and request()).
QString pathsScript(const QStringList &paths, const QString &body)
{
    return QStringLiteral("local paths = %1\n").arg(luaTable(paths)) + ThreadIds + body;
}

} // namespace

namespace ApiWorkload {

QString Question::path() const
{
    return QStringLiteral("/api/availability?date=%1&service=%2&vehicle=car")
        .arg(day.toString(Qt::ISODate))
        .arg(serviceId);
}

QList<Question> questions(const AvailabilityDataset &set)
{
    QList<Question> list;
    for (QDate day = set.firstBookedDay(); day <= set.lastBookedDay(); day = day.addDays(1)) {
        for (const qint64 service : set.serviceIds)
            list.append({day, service});
    }
    return list;
}

QStringList availabilityScripts(QSqlDatabase &db, const QList<Question> &questions, QString *error)
{
    // pgbench substitutes :name where name is one of its variables; the
    // statements must carry none of them.
    static const QRegularExpression pgbenchVariable(
        QStringLiteral(R"(:(client_id|scale|random_seed|default_seed)\b)"));
    QStringList scripts;
    for (const Question &q : questions) {
        AvailabilityRequest request;
        request.serviceId = q.serviceId;
        request.vehicleClass = QStringLiteral("car");
        StatementCapture capture(db);
        const DbResult<QList<PlannedSlot>> planned = AvailabilityRepo(db).forDate(request, q.day);
        const QStringList sent = capture.finish();
        if (!planned.ok())
            throw DbException(planned.error());
        if (sent.isEmpty()) {
            *error = QStringLiteral("no statement of AvailabilityRepo::forDate was traced");
            return {};
        }
        QString script = QStringLiteral("-- AvailabilityRepo::forDate(%1, service %2), as traced\n")
                             .arg(q.day.toString(Qt::ISODate))
                             .arg(q.serviceId);
        for (const QString &statement : sent) {
            if (statement.trimmed().startsWith(QLatin1Char('\\'))
                || pgbenchVariable.match(statement).hasMatch()) {
                *error = QStringLiteral("pgbench cannot send a traced forDate statement as it was sent: %1")
                             .arg(statement.simplified().left(200));
                return {};
            }
            script += statement.trimmed() + QStringLiteral(";\n");
        }
        scripts << script;
    }
    return scripts;
}

QString randomPathsScript(const QStringList &paths)
{
    return pathsScript(paths,
                       QStringLiteral("function init(args)\n"
                                      "  math.randomseed(20261206 + id * 7919)\n"
                                      "end\n"
                                      "function request()\n"
                                      "  return wrk.format(\"GET\", paths[math.random(#paths)])\n"
                                      "end\n"));
}

QString rotatingPathsScript(const QStringList &paths)
{
    return pathsScript(paths,
                       QStringLiteral("local sent = 0\n"
                                      "function request()\n"
                                      "  sent = sent + 1\n"
                                      "  return wrk.format(\"GET\", paths[((sent + id * 5) % #paths) + 1])\n"
                                      "end\n"));
}

FreeStarts freeStarts(const AvailabilityDataset &set)
{
    FreeStarts s;
    s.firstBayId = set.bayIds.first();
    s.bays = int(set.bayIds.size());
    s.firstServiceId = set.serviceIds.first();
    s.services = int(set.serviceIds.size());
    s.customers = set.customers;
    s.firstDay = set.firstFreeDay();
    s.days = int(set.firstFreeDay().daysTo(set.lastFreeDay())) + 1;
    s.opensHour = AvailabilityDataset::OpensHour;
    // The longest wash (30 min) and the buffer (5) end by closing time.
    const int open = (AvailabilityDataset::ClosesHour - AvailabilityDataset::OpensHour) * 60;
    s.startsPerDay = (open - 35) / FreeStarts::SpacingMinutes + 1;
    return s;
}

QString bookingScript(const FreeStarts &s, const QString &round)
{
    const qint64 firstDay = QDateTime(s.firstDay, QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch();
    QString script = ThreadIds;
    script += QStringLiteral("local threads = 2\n"
                             "local count = %1\n"
                             "local bays = %2\n"
                             "local starts = %3\n"
                             "local first_bay = %4\n"
                             "local first_service = %5\n"
                             "local services = %6\n"
                             "local customers = %7\n"
                             "local first_day = %8\n"
                             "local opens = %9\n")
                  .arg(s.count())
                  .arg(s.bays)
                  .arg(s.startsPerDay)
                  .arg(s.firstBayId)
                  .arg(s.firstServiceId)
                  .arg(s.services)
                  .arg(s.customers)
                  .arg(firstDay)
                  .arg(s.opensHour);
    script += QStringLiteral("local spacing = %1\n"
                             "local round = %2\n")
                  .arg(FreeStarts::SpacingMinutes)
                  .arg(lua(round));
    // Bays vary fastest: concurrent requests ask for the same start on
    // different bays, as a busy morning does.
    script += QStringLiteral(
        "local n = 0\n"
        "function request()\n"
        "  local sequence = id + n * threads\n"
        "  n = n + 1\n"
        "  local i = sequence % count\n"
        "  local per_day = bays * starts\n"
        "  local day = math.floor(i / per_day)\n"
        "  local rest = i % per_day\n"
        "  local bay = first_bay + rest % bays\n"
        "  local k = math.floor(rest / bays)\n"
        "  local t = first_day + day * 86400 + opens * 3600 + k * spacing * 60\n"
        "  local start = os.date(\"!%Y-%m-%dT%H:%M:%SZ\", t)\n"
        "  local service = first_service + i % services\n"
        "  local plate, name\n"
        "  if i % 10 < 7 then\n"
        "    local c = 1 + (i * 7919) % customers\n"
        "    plate = \"CW\" .. string.format(\"%d\", 100000 + c)\n"
        "    name = \"Customer \" .. string.format(\"%d\", c)\n"
        "  else\n"
        "    local c = 30000000 + i\n"
        "    plate = \"CW\" .. string.format(\"%d\", c)\n"
        "    name = \"New customer \" .. string.format(\"%d\", c)\n"
        "  end\n"
        "  local body = string.format('{\"service\":%d,\"start\":\"%s\",\"vehicle\":\"car\",\"bay\":%d,"
        "\"plate\":\"%s\",\"name\":\"%s\"}', service, start, bay, plate, name)\n"
        "  local headers = {}\n"
        "  headers[\"Content-Type\"] = \"application/json\"\n"
        "  headers[\"Idempotency-Key\"] = round .. \"-\" .. string.format(\"%d\", sequence)\n"
        "  return wrk.format(\"POST\", \"/api/bookings\", headers, body)\n"
        "end\n");
    return script;
}

qint64 onlineBookings(QSqlDatabase &db)
{
    return Sql::scalar(db, QStringLiteral("SELECT count(*) FROM bookings WHERE created_by = ?"),
                       {OnlineActor})
        .toLongLong();
}

void removeOnlineBookings(QSqlDatabase &db)
{
    Transaction tx(db);
    Sql::exec(db, QStringLiteral("DELETE FROM audit_log WHERE actor = ?"), {OnlineActor});
    Sql::exec(db, QStringLiteral("DELETE FROM bookings WHERE created_by = ?"), {OnlineActor});
    tx.commit();
}

qint64 benchBookings(QSqlDatabase &db)
{
    return Sql::scalar(db, QStringLiteral("SELECT count(*) FROM bookings WHERE created_by = ?"),
                       {BookingTransaction::Actor})
        .toLongLong();
}

void turnWriteLimitOff(QSqlDatabase &db)
{
    Sql::exec(
        db,
        QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('api.write_rate_per_minute', '0') "
                       "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"));
}

} // namespace ApiWorkload
