#include "app/cli/kioskcommands.h"

#include "app/cli/admincli.h"
#include "db/kiosk/kioskrepo.h"
#include "db/pool/connectionpool.h"
#include "db/pool/fielderror.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>

namespace {

QJsonObject kioskJson(const KioskProfile &k)
{
    return {{QStringLiteral("name"), k.name},
            {QStringLiteral("language"), k.language},
            {QStringLiteral("methods"), QJsonArray::fromStringList(k.methods)},
            {QStringLiteral("reader"), k.readerId.isEmpty() ? QJsonValue() : QJsonValue(k.readerId)},
            {QStringLiteral("running"), k.running},
            {QStringLiteral("updated_at"), k.updatedAt.toString(Qt::ISODateWithMs)},
            {QStringLiteral("updated_by"), k.updatedBy}};
}

QString readerWords(const KioskProfile &k)
{
    return k.readerId.isEmpty() ? AdminCli::tr("no reader") : k.readerId;
}

} // namespace

int KioskCommands::run(const QStringList &args)
{
    const QString usageLine = AdminCli::tr(
        "kiosk list [--json] | kiosk set NAME [--reader READER_ID|--no-reader] [--language en|es|de] "
        "[--methods reader,phone,desk] [--json]");
    QCommandLineParser parser;
    const QCommandLineOption readerOption(QStringLiteral("reader"), AdminCli::tr("the kiosk's card reader"),
                                          QStringLiteral("id"));
    const QCommandLineOption noReaderOption(QStringLiteral("no-reader"),
                                            AdminCli::tr("the kiosk has no reader"));
    const QCommandLineOption languageOption(QStringLiteral("language"),
                                            AdminCli::tr("the language it greets customers in"),
                                            QStringLiteral("language"));
    const QCommandLineOption methodsOption(QStringLiteral("methods"),
                                           AdminCli::tr("the ways of paying it offers, separated by commas"),
                                           QStringLiteral("methods"));
    parser.addOptions({readerOption, noReaderOption, languageOption, methodsOption});
    if (!m_cli.parseCommand(parser, QStringLiteral("kiosk"), args, usageLine))
        return Invalid;
    const QStringList words = parser.positionalArguments();
    const bool anyOption = parser.isSet(readerOption) || parser.isSet(noReaderOption)
        || parser.isSet(languageOption) || parser.isSet(methodsOption);
    if (words.size() == 1 && words[0] == u"list" && !anyOption)
        return list();
    if (words.size() == 2 && words[0] == u"set") {
        if (parser.isSet(readerOption) && parser.isSet(noReaderOption))
            return m_cli.invalid(AdminCli::tr("Give --reader READER_ID or --no-reader, not both."));
        KioskChange change;
        if (parser.isSet(readerOption))
            change.readerId = parser.value(readerOption).trimmed();
        else if (parser.isSet(noReaderOption))
            change.readerId = QString();
        if (parser.isSet(languageOption))
            change.language = parser.value(languageOption).trimmed().toLower();
        if (parser.isSet(methodsOption)) {
            QStringList methods;
            for (const QString &m : parser.value(methodsOption).split(QLatin1Char(','), Qt::SkipEmptyParts))
                methods << m.trimmed().toLower();
            change.methods = methods;
        }
        // --reader "" is not "no reader" by accident: say which option means that.
        if (parser.isSet(readerOption) && change.readerId->isEmpty())
            return m_cli.invalidFields(
                {{QStringLiteral("reader"),
                  AdminCli::tr(
                      "--reader needs a reader ID such as tmr_FDOt2wlRZEdpd7; --no-reader leaves the "
                      "kiosk without one.")}});
        const QString name = words[1];
        if (const QList<FieldError> problems = KioskRepo::validate(name, change); !problems.isEmpty())
            return m_cli.invalidFields(problems);
        return set(name, change);
    }
    return m_cli.invalid(AdminCli::tr("Usage: carwash-admin %1").arg(usageLine));
}

int KioskCommands::list()
{
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    auto kiosks = m_cli.pool()
                      .withRetry(QStringLiteral("kiosk.list"), RetryPolicy::standard(),
                                 [](QSqlDatabase &db) { return KioskRepo(db).list(); })
                      .result();
    if (!kiosks.ok())
        return m_cli.failWith(kiosks.error());
    QJsonArray array;
    for (const KioskProfile &k : kiosks.value()) {
        array.append(kioskJson(k));
        if (m_cli.json())
            continue;
        m_cli.out() << QStringLiteral("%1  %2  %3  %4  %5\n")
                           .arg(k.name, -20)
                           .arg(k.language, -2)
                           .arg(k.methods.join(QLatin1Char(',')), -17)
                           .arg(readerWords(k), -24)
                           .arg(k.running ? AdminCli::tr("running") : AdminCli::tr("not running"));
    }
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(array) << '\n';
    else if (kiosks->isEmpty())
        m_cli.out() << AdminCli::tr("No kiosks yet. A kiosk adds itself when it first starts "
                                    "(carwash --kiosk), or: carwash-admin kiosk set NAME")
                    << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

int KioskCommands::set(const QString &name, const KioskChange &change)
{
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    auto changed = m_cli.pool()
                       .withRetry(QStringLiteral("kiosk.set"), RetryPolicy::critical(),
                                  [name, change](QSqlDatabase &db) {
                                      return KioskRepo(db).set(name, change, QStringLiteral("cli"));
                                  })
                       .result();
    if (!changed.ok())
        return m_cli.failWith(changed.error());
    const KioskProfile &k = changed.value();
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(kioskJson(k)) << '\n';
    else
        m_cli.out() << AdminCli::tr("Kiosk %1: language %2, pays by %3, %4.")
                           .arg(k.name, k.language, k.methods.join(QStringLiteral(", ")), readerWords(k))
                    << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}
