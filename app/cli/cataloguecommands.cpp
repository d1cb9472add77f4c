#include "app/cli/cataloguecommands.h"

#include "app/cli/admincli.h"
#include "db/calendar/calendarrepo.h"
#include "db/calendar/settingsrepo.h"
#include "db/catalogue/servicerepo.h"
#include "db/pool/connectionpool.h"
#include "db/text/isotime.h"
#include "db/text/money.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>

int CatalogueCommands::services()
{
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    auto services = m_cli.pool()
                        .withRetry(QStringLiteral("services.list"), RetryPolicy::standard(),
                                   [](QSqlDatabase &db) { return ServiceRepo(db).all(); })
                        .result();
    if (!services.ok())
        return m_cli.failWith(services.error());
    if (m_cli.json()) {
        QJsonArray array;
        for (const Service &s : services.value())
            array.append(s.toJson());
        m_cli.out() << CliContext::jsonText(array) << '\n';
    } else if (services->isEmpty()) {
        m_cli.out() << AdminCli::tr("No services yet. Add some, or run: carwash-admin seed --demo") << '\n';
    } else {
        for (const Service &s : services.value()) {
            QStringList prices;
            for (auto it = s.prices.cbegin(); it != s.prices.cend(); ++it)
                prices << QStringLiteral("%1 %2").arg(it.key(), Money::format(it.value(), s.currency));
            m_cli.out() << QStringLiteral("%1  %2  %3  %4\n")
                               .arg(s.id, 3)
                               .arg(s.name, -20)
                               .arg(AdminCli::tr("%n min", nullptr, s.durationMinutes), 7)
                               .arg(prices.join(QStringLiteral(", ")));
        }
    }
    m_cli.out() << Qt::flush;
    return Ok;
}

int CatalogueCommands::service(const QStringList &args)
{
    bool ok = false;
    const qint64 id = args.value(0).toLongLong(&ok);
    if (args.size() != 1 || !ok || id <= 0) {
        m_cli.err() << AdminCli::tr("service needs one numeric ID, for example: carwash-admin service 2")
                    << '\n'
                    << Qt::flush;
        return Invalid;
    }
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    auto service = m_cli.pool()
                       .withRetry(QStringLiteral("services.get"), RetryPolicy::standard(),
                                  [id](QSqlDatabase &db) { return ServiceRepo(db).byId(id); })
                       .result();
    if (!service.ok())
        return m_cli.failWith(service.error());
    if (!service->has_value())
        return m_cli.failWith(
            DbError(DbError::Kind::NotFound, AdminCli::tr("There is no service with ID %1.").arg(id)));
    const Service &s = **service;
    if (m_cli.json()) {
        m_cli.out() << CliContext::jsonText(s.toJson()) << '\n';
    } else {
        m_cli.out() << s.name << " (" << AdminCli::tr("%n min", nullptr, s.durationMinutes) << ")\n";
        if (!s.description.isEmpty())
            m_cli.out() << "  " << s.description << '\n';
        for (auto it = s.prices.cbegin(); it != s.prices.cend(); ++it)
            m_cli.out() << "  " << it.key() << ": " << Money::format(it.value(), s.currency) << '\n';
        for (const Addon &a : s.addons)
            m_cli.out() << "  + " << a.name << ": " << Money::format(a.priceCents, s.currency) << ", "
                        << AdminCli::tr("%n extra min", nullptr, a.extraMinutes) << '\n';
    }
    m_cli.out() << Qt::flush;
    return Ok;
}

int CatalogueCommands::settings(const QStringList &args)
{
    const QString usageLine = AdminCli::tr("settings [get KEY | set KEY VALUE]");
    // No options besides --json (taken out by run()), and a value may start
    // with a dash ("-5"), so the words are read as they are: a value out of
    // range is then refused with its range rather than as an unknown option.
    const QStringList words = args;
    const QString action = words.value(0);
    const bool list = words.isEmpty() || (action == u"list" && words.size() == 1);
    if (!list && !(action == u"get" && words.size() == 2) && !(action == u"set" && words.size() == 3))
        return m_cli.invalid(AdminCli::tr("Usage: carwash-admin %1").arg(usageLine));
    if (action == u"set") {
        // Refuse a bad value before touching the database.
        const QString problem = SiteSettings::validate(words[1], words[2]);
        if (!problem.isEmpty())
            return m_cli.invalid(problem);
    }
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;

    auto settingJson = [](const SettingValue &v) {
        QJsonObject o {{QStringLiteral("key"), v.key},
                       {QStringLiteral("value"), v.value},
                       {QStringLiteral("is_default"), v.isDefault}};
        if (v.spec) {
            o.insert(QStringLiteral("accepted"), v.spec->acceptedText());
            o.insert(QStringLiteral("description"), v.spec->description());
        }
        return o;
    };

    if (list) {
        auto rows = m_cli.pool()
                        .withRetry(QStringLiteral("settings.list"), RetryPolicy::standard(),
                                   [](QSqlDatabase &db) { return SettingsRepo(db).list(); })
                        .result();
        if (!rows.ok())
            return m_cli.failWith(rows.error());
        if (m_cli.json()) {
            QJsonArray array;
            for (const SettingValue &v : rows.value())
                array.append(settingJson(v));
            m_cli.out() << CliContext::jsonText(array) << '\n';
        } else {
            for (const SettingValue &v : rows.value()) {
                m_cli.out() << QStringLiteral("%1 %2").arg(v.key, -28).arg(v.value, -20);
                if (v.spec)
                    m_cli.out() << (v.isDefault ? AdminCli::tr("(default) ") : QString())
                                << v.spec->description() << "; " << v.spec->acceptedText();
                m_cli.out() << '\n';
            }
        }
        m_cli.out() << Qt::flush;
        return Ok;
    }

    const QString key = words[1];
    const QString value = words.value(2);
    auto result = action == u"get"
        ? m_cli.pool()
              .withRetry(QStringLiteral("settings.get"), RetryPolicy::standard(),
                         [key](QSqlDatabase &db) { return SettingsRepo(db).get(key); })
              .result()
        : m_cli.pool()
              .withRetry(QStringLiteral("settings.set"), RetryPolicy::critical(),
                         [key, value](QSqlDatabase &db) {
                             return SettingsRepo(db).set(key, value, QStringLiteral("cli"));
                         })
              .result();
    if (!result.ok())
        return m_cli.failWith(result.error());
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(settingJson(result.value())) << '\n';
    else if (action == u"get")
        m_cli.out() << result->value << '\n';
    else
        m_cli.out() << AdminCli::tr("%1 is now %2.").arg(result->key, result->value) << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

int CatalogueCommands::hours(const QStringList &args)
{
    const QString usageLine
        = AdminCli::tr("hours [set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed]");
    QCommandLineParser parser;
    if (!m_cli.parseCommand(parser, QStringLiteral("hours"), args, usageLine))
        return Invalid;
    const QStringList words = parser.positionalArguments();
    int weekday = 0;
    QList<OpeningPeriod> periods;
    if (!words.isEmpty()) {
        if (words[0] != u"set" || words.size() != 3)
            return m_cli.invalid(AdminCli::tr("Usage: carwash-admin %1").arg(usageLine));
        weekday = OpeningHours::weekdayFromName(words[1]);
        if (weekday == 0)
            return m_cli.invalid(
                AdminCli::tr("\"%1\" is not a day of the week. Accepted: mon, tue, wed, thu, fri, sat, sun.")
                    .arg(words[1]));
        QString problem;
        const std::optional<QList<OpeningPeriod>> parsed = OpeningHours::parse(weekday, words[2], &problem);
        if (!parsed)
            return m_cli.invalid(problem);
        periods = *parsed;
    }
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    if (weekday != 0) {
        auto set = m_cli.pool()
                       .withRetry(QStringLiteral("hours.set"), RetryPolicy::critical(),
                                  [weekday, periods](QSqlDatabase &db) {
                                      CalendarRepo(db).setHours(weekday, periods, QStringLiteral("cli"));
                                  })
                       .result();
        if (!set.ok())
            return m_cli.failWith(set.error());
    }
    auto hours = m_cli.pool()
                     .withRetry(QStringLiteral("hours.list"), RetryPolicy::standard(),
                                [](QSqlDatabase &db) { return CalendarRepo(db).hours(); })
                     .result();
    if (!hours.ok())
        return m_cli.failWith(hours.error());
    QJsonArray days;
    for (int day = 1; day <= 7; ++day) {
        if (weekday != 0 && day != weekday)
            continue;
        QList<OpeningPeriod> ofDay;
        QJsonArray dayPeriods;
        for (const OpeningPeriod &p : hours.value()) {
            if (p.weekday == day) {
                ofDay.append(p);
                dayPeriods.append(p.toJson());
            }
        }
        days.append(QJsonObject {{QStringLiteral("day"), OpeningHours::weekdayName(day)},
                                 {QStringLiteral("periods"), dayPeriods}});
        if (!m_cli.json())
            m_cli.out() << OpeningHours::weekdayName(day) << "  " << OpeningHours::format(ofDay) << '\n';
    }
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(weekday != 0 ? QJsonValue(days.first()) : QJsonValue(days))
                    << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

int CatalogueCommands::closure(const QStringList &args)
{
    const QString usageLine = AdminCli::tr(
        "closure add YYYY-MM-DD [--to YYYY-MM-DD] [--reason TEXT] | closure list | closure remove ID");
    QCommandLineParser parser;
    const QCommandLineOption toOption(QStringLiteral("to"), AdminCli::tr("last closed day"),
                                      QStringLiteral("date"));
    const QCommandLineOption reasonOption(QStringLiteral("reason"), AdminCli::tr("why"),
                                          QStringLiteral("text"));
    parser.addOption(toOption);
    parser.addOption(reasonOption);
    if (!m_cli.parseCommand(parser, QStringLiteral("closure"), args, usageLine))
        return Invalid;
    const QStringList words = parser.positionalArguments();
    const QString action = words.value(0);
    const bool add = action == u"add" && words.size() == 2;
    const bool list = action == u"list" && words.size() == 1;
    const bool remove = action == u"remove" && words.size() == 2;
    if (!add && !list && !remove)
        return m_cli.invalid(AdminCli::tr("Usage: carwash-admin %1").arg(usageLine));
    if (!add && (parser.isSet(toOption) || parser.isSet(reasonOption)))
        return m_cli.invalid(
            AdminCli::tr("--to and --reason go with closure add. Usage: carwash-admin %1").arg(usageLine));

    std::optional<QDate> from;
    std::optional<QDate> to;
    qint64 id = 0;
    if (add) {
        from = IsoTime::parseDate(words[1]);
        if (!from)
            return m_cli.invalid(
                AdminCli::tr("\"%1\" is not a date. Accepted: YYYY-MM-DD, for example 2025-12-25.")
                    .arg(words[1]));
        to = parser.isSet(toOption) ? IsoTime::parseDate(parser.value(toOption)) : from;
        if (!to)
            return m_cli.invalid(
                AdminCli::tr("--to \"%1\" is not a date. Accepted: YYYY-MM-DD, for example 2025-12-26.")
                    .arg(parser.value(toOption)));
        if (*to < *from)
            return m_cli.invalid(
                AdminCli::tr("--to %1 is before %2; a closure ends on or after the day it starts.")
                    .arg(to->toString(Qt::ISODate), from->toString(Qt::ISODate)));
    } else if (remove) {
        bool ok = false;
        id = words[1].toLongLong(&ok);
        if (!ok || id <= 0)
            return m_cli.invalid(
                AdminCli::tr("closure remove needs a numeric closure ID (see closure list), not \"%1\".")
                    .arg(words[1]));
    }
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;

    if (list) {
        auto all = m_cli.pool()
                       .withRetry(QStringLiteral("closures.list"), RetryPolicy::standard(),
                                  [](QSqlDatabase &db) { return CalendarRepo(db).closures(); })
                       .result();
        if (!all.ok())
            return m_cli.failWith(all.error());
        QJsonArray array;
        for (const Closure &c : all.value()) {
            array.append(c.toJson());
            if (!m_cli.json())
                m_cli.out() << QStringLiteral("%1  %2  %3  %4\n")
                                   .arg(c.id, 4)
                                   .arg(c.startsOn.toString(Qt::ISODate), c.endsOn.toString(Qt::ISODate),
                                        c.reason);
        }
        if (m_cli.json())
            m_cli.out() << CliContext::jsonText(array) << '\n';
        else if (all->isEmpty())
            m_cli.out() << AdminCli::tr("No closures.") << '\n';
        m_cli.out() << Qt::flush;
        return Ok;
    }

    const QString reason = parser.value(reasonOption);
    auto changed = add
        ? m_cli.pool()
              .withRetry(QStringLiteral("closures.add"), RetryPolicy::critical(),
                         [from, to, reason](QSqlDatabase &db) {
                             return CalendarRepo(db).addClosure(*from, *to, reason, QStringLiteral("cli"));
                         })
              .result()
        : m_cli.pool()
              .withRetry(QStringLiteral("closures.remove"), RetryPolicy::critical(),
                         [id](QSqlDatabase &db) {
                             return CalendarRepo(db).removeClosure(id, QStringLiteral("cli"));
                         })
              .result();
    if (!changed.ok())
        return m_cli.failWith(changed.error());
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(changed->toJson()) << '\n';
    else if (add)
        m_cli.out() << AdminCli::tr("Closure %1 added: closed %2 to %3.")
                           .arg(changed->id)
                           .arg(changed->startsOn.toString(Qt::ISODate),
                                changed->endsOn.toString(Qt::ISODate))
                    << '\n';
    else
        m_cli.out() << AdminCli::tr("Closure %1 removed.").arg(changed->id) << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}
