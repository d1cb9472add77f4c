#include "app/cli/takingscommands.h"

#include "app/cli/admincli.h"
#include "db/payments/takingsrepo.h"
#include "db/pool/connectionpool.h"
#include "db/pool/fielderror.h"
#include "db/text/isotime.h"
#include "db/text/money.h"

#include <QCommandLineParser>

int TakingsCommands::run(const QStringList &args)
{
    const QString usageLine = AdminCli::tr("takings --date YYYY-MM-DD [--json|--csv]");
    QCommandLineParser parser;
    const QCommandLineOption dateOption(QStringLiteral("date"), AdminCli::tr("local day"),
                                        QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption csvOption(QStringLiteral("csv"), AdminCli::tr("CSV (RFC 4180)"));
    parser.addOptions({dateOption, csvOption});
    if (!m_cli.parseCommand(parser, QStringLiteral("takings"), args, usageLine))
        return Invalid;
    if (!parser.positionalArguments().isEmpty())
        return m_cli.invalid(AdminCli::tr("Usage: carwash-admin %1").arg(usageLine));
    if (parser.isSet(csvOption) && m_cli.json())
        return m_cli.invalid(AdminCli::tr("Choose --json or --csv, not both."));
    if (!parser.isSet(dateOption))
        return m_cli.invalidFields(
            {{QStringLiteral("date"), AdminCli::tr("--date YYYY-MM-DD is required.")}});
    const std::optional<QDate> date = IsoTime::parseDate(parser.value(dateOption));
    if (!date)
        return m_cli.invalidFields(
            {{QStringLiteral("date"),
              AdminCli::tr("--date takes YYYY-MM-DD (for example 2025-06-11), not \"%1\".")
                  .arg(parser.value(dateOption))}});
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    const QDate day = *date;
    auto takings = m_cli.pool()
                       .withRetry(QStringLiteral("takings.day"), RetryPolicy::standard(),
                                  [day](QSqlDatabase &db) { return TakingsRepo(db).forDay(day); })
                       .result();
    if (!takings.ok())
        return m_cli.failWith(takings.error());
    const DayTakings &t = takings.value();
    if (m_cli.json()) {
        m_cli.out() << CliContext::jsonText(t.toJson()) << '\n';
    } else if (parser.isSet(csvOption)) {
        m_cli.out() << t.toCsv();
    } else {
        m_cli.out() << AdminCli::tr("Takings of %1 (%2)")
                           .arg(day.toString(Qt::ISODate), QString::fromUtf8(t.timeZone.id()))
                    << '\n';
        for (const CurrencyTakings &c : t.currencies) {
            const QList<QPair<QString, MethodTakings>> rows {{AdminCli::tr("Cash"), c.cash},
                                                             {AdminCli::tr("Card"), c.card},
                                                             {AdminCli::tr("Total"), c.total()}};
            for (const auto &[name, m] : rows)
                m_cli.out() << "  "
                            << AdminCli::tr("%1: %2 (tax %3) in %4; %5 back in %6; net %7")
                                   .arg(name, -5)
                                   .arg(Money::format(m.takenCents, c.currency),
                                        Money::format(m.taxCents, c.currency),
                                        AdminCli::tr("%n payment(s)", nullptr, m.payments),
                                        Money::format(m.refundedCents, c.currency),
                                        AdminCli::tr("%n refund(s)", nullptr, m.refunds),
                                        Money::format(m.netCents(), c.currency))
                            << '\n';
        }
    }
    m_cli.out() << Qt::flush;
    return Ok;
}
