#include "app/cli/readercommands.h"

#include "app/cli/admincli.h"
#include "db/payments/readerrepo.h"
#include "db/pool/connectionpool.h"
#include "db/pool/fielderror.h"
#include "db/pool/sql.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>

namespace {

QJsonObject readerJson(const CardReader &r)
{
    return {{QStringLiteral("id"), r.id},
            {QStringLiteral("label"), r.label},
            {QStringLiteral("assigned_kind"), r.isAssigned() ? QJsonValue(r.assignedKind) : QJsonValue()},
            {QStringLiteral("assigned_to"), r.isAssigned() ? QJsonValue(r.assignedTo) : QJsonValue()}};
}

} // namespace

int ReaderCommands::run(const QStringList &args)
{
    const QString usageLine = AdminCli::tr(
        "reader list [--json] | reader add READER_ID --label L [--desk NAME|--kiosk NAME] [--json] | "
        "reader remove READER_ID");
    QCommandLineParser parser;
    const QCommandLineOption labelOption(QStringLiteral("label"), AdminCli::tr("what people call it"),
                                         QStringLiteral("label"));
    const QCommandLineOption deskOption(QStringLiteral("desk"), AdminCli::tr("the desk it serves"),
                                        QStringLiteral("name"));
    const QCommandLineOption kioskOption(QStringLiteral("kiosk"), AdminCli::tr("the kiosk it serves"),
                                         QStringLiteral("name"));
    parser.addOptions({labelOption, deskOption, kioskOption});
    if (!m_cli.parseCommand(parser, QStringLiteral("reader"), args, usageLine))
        return Invalid;
    const QStringList words = parser.positionalArguments();
    const bool anyOption = parser.isSet(labelOption) || parser.isSet(deskOption) || parser.isSet(kioskOption);
    if (words.size() == 1 && words[0] == u"list" && !anyOption)
        return list();
    if (words.size() == 2 && words[0] == u"remove" && !anyOption)
        return remove(words[1].trimmed());
    if (words.size() == 2 && words[0] == u"add") {
        if (!parser.isSet(labelOption))
            return m_cli.invalidFields({{QStringLiteral("label"),
                                         AdminCli::tr("--label is required: what people call the reader.")}});
        if (parser.isSet(deskOption) && parser.isSet(kioskOption))
            return m_cli.invalid(
                AdminCli::tr("A reader serves one desk or one kiosk: give --desk or --kiosk, not "
                             "both."));
        const QString kind = parser.isSet(deskOption) ? QStringLiteral("desk")
            : parser.isSet(kioskOption)               ? QStringLiteral("kiosk")
                                                      : QString();
        const QString name = parser.isSet(deskOption) ? parser.value(deskOption) : parser.value(kioskOption);
        return add(words[1].trimmed(), parser.value(labelOption), kind, name);
    }
    return m_cli.invalid(AdminCli::tr("Usage: carwash-admin %1").arg(usageLine));
}

int ReaderCommands::list()
{
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    auto readers = m_cli.pool()
                       .withRetry(QStringLiteral("reader.list"), RetryPolicy::standard(),
                                  [](QSqlDatabase &db) { return ReaderRepo(db).list(); })
                       .result();
    if (!readers.ok())
        return m_cli.failWith(readers.error());
    QJsonArray array;
    for (const CardReader &r : readers.value()) {
        array.append(readerJson(r));
        if (m_cli.json())
            continue;
        m_cli.out() << QStringLiteral("%1  %2  %3\n")
                           .arg(r.id, -24)
                           .arg(r.label, -24)
                           .arg(r.isAssigned() ? ReaderRepo::deviceWords(r.assignedKind, r.assignedTo)
                                               : AdminCli::tr("not assigned"));
    }
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(array) << '\n';
    else if (readers->isEmpty())
        m_cli.out() << AdminCli::tr("No card readers yet. Add one: carwash-admin reader add tmr_… --label "
                                    "\"Front desk\" --desk NAME")
                    << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

int ReaderCommands::add(const QString &id, const QString &label, const QString &kind, const QString &name)
{
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    // Added and assigned together or not at all.
    auto added = m_cli.pool()
                     .withRetry(QStringLiteral("reader.add"), RetryPolicy::critical(),
                                [=](QSqlDatabase &db) -> DbResult<CardReader> {
                                    Transaction tx(db);
                                    ReaderRepo readers(db);
                                    DbResult<CardReader> reader
                                        = readers.add(id, label, QStringLiteral("cli"));
                                    if (reader.ok() && !kind.isEmpty())
                                        reader = readers.assign(id, kind, name, QStringLiteral("cli"));
                                    if (reader.ok())
                                        tx.commit();
                                    return reader;
                                })
                     .result();
    if (!added.ok())
        return m_cli.failWith(added.error());
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(readerJson(added.value())) << '\n';
    else if (added->isAssigned())
        m_cli.out() << AdminCli::tr("Reader %1 (%2) added for the %3.")
                           .arg(added->id, added->label,
                                ReaderRepo::deviceWords(added->assignedKind, added->assignedTo))
                    << '\n';
    else
        m_cli.out() << AdminCli::tr("Reader %1 (%2) added.").arg(added->id, added->label) << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

int ReaderCommands::remove(const QString &id)
{
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    auto removed
        = m_cli.pool()
              .withRetry(QStringLiteral("reader.remove"), RetryPolicy::critical(),
                         [id](QSqlDatabase &db) { return ReaderRepo(db).remove(id, QStringLiteral("cli")); })
              .result();
    if (!removed.ok())
        return m_cli.failWith(removed.error());
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(QJsonObject {{QStringLiteral("removed"), id}}) << '\n';
    else
        m_cli.out() << AdminCli::tr("Reader %1 removed.").arg(id) << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}
