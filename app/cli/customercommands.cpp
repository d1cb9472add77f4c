#include "app/cli/customercommands.h"

#include "app/cli/admincli.h"
#include "db/customers/customereraser.h"
#include "db/customers/customerrepo.h"
#include "db/pool/connectionpool.h"
#include "db/text/money.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>

int CustomerCommands::run(const QStringList &args)
{
    const QString usageLine
        = AdminCli::tr("customer find TEXT [--json] | customer forget ID|PHONE|EMAIL [--dry-run] [--json]");
    QCommandLineParser parser;
    const QCommandLineOption dryRunOption(QStringLiteral("dry-run"),
                                          AdminCli::tr("show who would be forgotten, change nothing"));
    parser.addOption(dryRunOption);
    if (!m_cli.parseCommand(parser, QStringLiteral("customer"), args, usageLine))
        return Invalid;
    const QStringList words = parser.positionalArguments();
    if (!words.isEmpty() && words[0] == u"forget") {
        if (words.size() != 2)
            return m_cli.invalid(
                AdminCli::tr("Usage: carwash-admin customer forget ID|PHONE|EMAIL [--dry-run] (one customer "
                             "ID, phone number or e-mail address; quote spaces)"));
        return forget(words[1], parser.isSet(dryRunOption));
    }
    if (parser.isSet(dryRunOption))
        return m_cli.invalid(
            AdminCli::tr("--dry-run goes with customer forget. Usage: carwash-admin %1").arg(usageLine));
    if (words.size() == 2 && words[0] == u"find" && !words[1].trimmed().isEmpty())
        return find(words[1]);
    return m_cli.invalid(
        AdminCli::tr("Usage: carwash-admin %1 (a plate, a phone number or part of a name; quote spaces)")
            .arg(usageLine));
}

int CustomerCommands::find(const QString &text)
{
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    auto found = m_cli.pool()
                     .withRetry(QStringLiteral("customers.find"), RetryPolicy::standard(),
                                [text](QSqlDatabase &db) { return CustomerRepo(db).find(text); })
                     .result();
    if (!found.ok())
        return m_cli.failWith(found.error());
    QJsonArray array;
    for (const Customer &c : found.value()) {
        array.append(c.toJson());
        if (m_cli.json())
            continue;
        QStringList plates;
        for (const auto &v : c.vehicles)
            plates << v.first;
        m_cli.out() << c.name << "  " << plates.join(QStringLiteral(", "));
        if (!c.phone.isEmpty())
            m_cli.out() << "  " << c.phone;
        if (!c.email.isEmpty())
            m_cli.out() << "  " << c.email;
        m_cli.out() << "  " << AdminCli::tr("%n completed visit(s)", nullptr, c.completedVisits) << '\n';
        for (const Visit &v : c.visits)
            m_cli.out() << "    " << v.start.toString(QStringLiteral("yyyy-MM-dd HH:mm")) << "  " << v.code
                        << "  " << v.status << "  " << v.serviceName << "  " << v.plate << "  "
                        << Money::format(v.priceCents, v.currency) << '\n';
    }
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(array) << '\n';
    else if (found->isEmpty())
        m_cli.out() << AdminCli::tr("No customer matches \"%1\".").arg(text) << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

int CustomerCommands::forget(const QString &idPhoneOrEmail, bool dryRun)
{
    const DbResult<ForgetTarget> target = CustomerEraser::parse(idPhoneOrEmail);
    if (!target.ok())
        return m_cli.invalid(target.error().message());
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    const ForgetTarget which = target.value();
    auto forgotten
        = m_cli.pool()
              .withRetry(QStringLiteral("customers.forget"), RetryPolicy::critical(),
                         [which, dryRun](QSqlDatabase &db) {
                             return CustomerEraser(db).forget(which, QStringLiteral("cli"),
                                                              dryRun ? CustomerEraser::Mode::DryRun
                                                                     : CustomerEraser::Mode::Forget);
                         })
              .result();
    if (!forgotten.ok())
        return m_cli.failWith(forgotten.error());
    if (m_cli.json()) {
        QJsonArray array;
        for (const ForgottenCustomer &c : forgotten.value())
            array.append(c.toJson());
        m_cli.out() << CliContext::jsonText(QJsonObject {{QStringLiteral("dry_run"), dryRun},
                                                         {QStringLiteral("matched_by"), which.byName()},
                                                         {QStringLiteral("customers"), array}})
                    << '\n'
                    << Qt::flush;
        return Ok;
    }
    for (const ForgottenCustomer &c : forgotten.value()) {
        if (c.alreadyForgotten) {
            m_cli.out() << AdminCli::tr(
                               "Customer %1 was forgotten before; nothing personal was left to erase.")
                               .arg(c.id)
                        << '\n';
            continue;
        }
        // One count a line: each sentence whole for translators.
        m_cli.out()
            << (dryRun
                    ? AdminCli::tr("Customer %1 would be forgotten: name, phone, e-mail and plates erased; "
                                   "bookings and payments kept for the books.")
                    : AdminCli::tr(
                        "Customer %1 forgotten: name, phone, e-mail and plates erased; bookings and "
                        "payments kept for the books."))
                   .arg(c.id)
            << '\n'
            << "  " << AdminCli::tr("vehicles anonymised: %1").arg(c.vehicles) << '\n'
            << "  " << AdminCli::tr("bookings anonymised: %1").arg(c.bookings) << '\n'
            << "  " << AdminCli::tr("payments kept: %1").arg(c.payments) << '\n'
            << "  " << AdminCli::tr("Stripe events cleared of the payer's details: %1").arg(c.paymentEvents)
            << '\n'
            << "  "
            << AdminCli::tr("reasons typed by staff with their details blanked: %1").arg(c.textsRedacted)
            << '\n';
    }
    if (dryRun)
        m_cli.out() << AdminCli::tr("Dry run: nothing was changed. Run it again without --dry-run to forget.")
                    << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}
