#include "app/cli/democommands.h"

#include "app/cli/admincli.h"
#include "db/demo/demoday.h"
#include "db/demo/demoseeder.h"
#include "db/pool/connectionpool.h"
#include "db/text/isotime.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>

int DemoCommands::seed(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption demo(QStringLiteral("demo"));
    const QCommandLineOption demoDay(QStringLiteral("demo-day"));
    const QCommandLineOption dateOption(QStringLiteral("date"), QString(), QStringLiteral("date"));
    parser.addOptions({demo, demoDay, dateOption});
    if (!m_cli.parseCommand(parser, QStringLiteral("seed"), args,
                            AdminCli::tr("seed --demo | seed --demo-day [--date YYYY-MM-DD] [--json]")))
        return Invalid;
    if (!parser.isSet(demo) && !parser.isSet(demoDay)) {
        m_cli.err() << AdminCli::tr(
            "seed needs --demo (a demo car wash in an empty database) or --demo-day (a day of demo "
            "bookings).")
                    << '\n'
                    << Qt::flush;
        return Invalid;
    }
    std::optional<QDate> date;
    if (parser.isSet(dateOption)) {
        date = IsoTime::parseDate(parser.value(dateOption));
        if (!date || !parser.isSet(demoDay))
            return m_cli.invalid(
                AdminCli::tr("--date goes with --demo-day and takes YYYY-MM-DD (for example 2025-06-11), not "
                             "\"%1\".")
                    .arg(parser.value(dateOption)));
    }
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    QJsonObject json;
    if (parser.isSet(demo)) {
        auto seeded = m_cli.pool()
                          .withRetry(QStringLiteral("seed.demo"), RetryPolicy::standard(),
                                     [](QSqlDatabase &db) { return DemoSeeder::seed(db); })
                          .result();
        if (!seeded.ok())
            return m_cli.failWith(seeded.error());
        QJsonArray staff;
        for (const StaffPin &s : seeded->staff)
            staff.append(QJsonObject {{QStringLiteral("name"), s.name},
                                      {QStringLiteral("role"), s.role},
                                      {QStringLiteral("pin"), s.pin}});
        json.insert(QStringLiteral("already_seeded"), seeded->alreadySeeded);
        json.insert(QStringLiteral("staff"), staff);
        if (!m_cli.json() && seeded->alreadySeeded) {
            m_cli.out() << AdminCli::tr("The database already has services; nothing was changed.") << '\n';
        } else if (!m_cli.json()) {
            m_cli.out() << AdminCli::tr("Demo car wash created. Staff PINs (shown once, write them down):")
                        << '\n';
            for (const StaffPin &s : seeded->staff)
                m_cli.out() << QStringLiteral("  %1 (%2): %3\n").arg(s.name, -20).arg(s.role).arg(s.pin);
        }
    }
    if (parser.isSet(demoDay)) {
        const QDate day = date.value_or(QDate());
        auto filled = m_cli.pool()
                          .withRetry(QStringLiteral("seed.demo_day"), RetryPolicy::standard(),
                                     [day](QSqlDatabase &db) {
                                         return DemoDay::fill(db, day, QDateTime::currentDateTimeUtc());
                                     })
                          .result();
        if (!filled.ok())
            return m_cli.failWith(filled.error());
        json.insert(QStringLiteral("demo_day"),
                    QJsonObject {{QStringLiteral("date"), filled->date.toString(Qt::ISODate)},
                                 {QStringLiteral("created"), filled->created},
                                 {QStringLiteral("already_filled"), filled->alreadyFilled},
                                 {QStringLiteral("closed"), filled->closed}});
        const QString dayText = filled->date.toString(Qt::ISODate);
        if (!m_cli.json() && filled->closed)
            m_cli.out()
                << AdminCli::tr("The car wash is closed on %1; no demo bookings were made.").arg(dayText)
                << '\n';
        else if (!m_cli.json() && filled->alreadyFilled)
            m_cli.out() << AdminCli::tr("%1 already has demo bookings; nothing was changed.").arg(dayText)
                        << '\n';
        else if (!m_cli.json())
            m_cli.out()
                << AdminCli::tr("%n demo booking(s) made for %1.", nullptr, filled->created).arg(dayText)
                << '\n';
    }
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(json) << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}
