#include "app/cli/staffcommands.h"

#include "app/cli/admincli.h"
#include "db/pool/connectionpool.h"
#include "db/staff/staffrepo.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>

namespace {

QJsonObject memberJson(const StaffMember &m)
{
    return QJsonObject {{QStringLiteral("id"), m.id},
                        {QStringLiteral("name"), m.name},
                        {QStringLiteral("role"), StaffMember::roleName(m.role)},
                        {QStringLiteral("active"), m.active},
                        {QStringLiteral("locked"), m.isLocked()},
                        {QStringLiteral("failed_attempts"), m.failedAttempts}};
}

struct PinReset
{
    QList<StaffMember> matches; // exactly one when the PIN was reset
};

} // namespace

int StaffCommands::run(const QStringList &args)
{
    const QString usageLine = AdminCli::tr("staff list [--json] | staff reset-pin NAME [--json]");
    QCommandLineParser parser;
    if (!m_cli.parseCommand(parser, QStringLiteral("staff"), args, usageLine))
        return Invalid;
    const QStringList words = parser.positionalArguments();
    if (words.size() == 1 && words[0] == u"list")
        return list();
    if (words.size() == 2 && words[0] == u"reset-pin" && !words[1].simplified().isEmpty())
        return resetPin(words[1]);
    return m_cli.invalid(
        AdminCli::tr("Usage: carwash-admin %1 (quote a name that contains spaces)").arg(usageLine));
}

int StaffCommands::list()
{
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    auto people = m_cli.pool()
                      .withRetry(QStringLiteral("staff.list_all"), RetryPolicy::standard(),
                                 [](QSqlDatabase &db) { return StaffRepo(db).all(); })
                      .result();
    if (!people.ok())
        return m_cli.failWith(people.error());
    QJsonArray array;
    for (const StaffMember &m : people.value()) {
        array.append(memberJson(m));
        if (m_cli.json())
            continue;
        QString state = m.active ? AdminCli::tr("active") : AdminCli::tr("no longer active");
        if (m.isLocked())
            state = AdminCli::tr("locked for %1 s").arg(m.lockSecondsLeft);
        m_cli.out() << QStringLiteral("%1  %2  %3  %4\n")
                           .arg(m.id, 4)
                           .arg(m.name, -24)
                           .arg(StaffMember::roleName(m.role), -8)
                           .arg(state);
    }
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(array) << '\n';
    else if (people->isEmpty())
        m_cli.out() << AdminCli::tr("No staff yet. Run: carwash-admin seed --demo") << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

int StaffCommands::resetPin(const QString &name)
{
    if (const int rc = m_cli.openPool(true); rc != Ok)
        return rc;
    // Chosen once, so a retried unit sets the PIN that is printed.
    const QString pin = StaffRepo::randomPin();
    auto reset
        = m_cli.pool()
              .withRetry(QStringLiteral("staff.reset_pin"), RetryPolicy::critical(),
                         [name, pin](QSqlDatabase &db) {
                             PinReset r;
                             StaffRepo repo(db);
                             r.matches = repo.findByName(name);
                             if (r.matches.size() == 1)
                                 repo.resetPinAsOperator(r.matches.first().id, pin, QStringLiteral("cli"));
                             return r;
                         })
              .result();
    if (!reset.ok())
        return m_cli.failWith(reset.error());
    const QList<StaffMember> &matches = reset->matches;
    if (matches.isEmpty())
        return m_cli.failWith(
            DbError(DbError::Kind::NotFound,
                    AdminCli::tr("No one on the staff list is called \"%1\" (see: carwash-admin "
                                 "staff list).")
                        .arg(name)));
    if (matches.size() > 1) {
        QStringList names;
        QJsonArray candidates;
        for (const StaffMember &m : matches) {
            names << m.name;
            candidates.append(memberJson(m));
        }
        const QString message = AdminCli::tr("\"%1\" matches %2: give the whole name; nothing was changed.")
                                    .arg(name, names.join(QStringLiteral(", ")));
        if (m_cli.json())
            m_cli.out() << CliContext::jsonText(QJsonObject {
                {QStringLiteral("error"),
                 QJsonObject {{QStringLiteral("kind"), DbError::kindName(DbError::Kind::Invalid)},
                              {QStringLiteral("message"), message}}},
                {QStringLiteral("candidates"), candidates}})
                        << '\n'
                        << Qt::flush;
        m_cli.err() << message << '\n' << Qt::flush;
        return Invalid;
    }
    const StaffMember &person = matches.first();
    if (m_cli.json()) {
        QJsonObject json = memberJson(person);
        json.insert(QStringLiteral("pin"), pin);
        m_cli.out() << CliContext::jsonText(json) << '\n';
    } else {
        m_cli.out() << AdminCli::tr("New PIN for %1 (%2): %3")
                           .arg(person.name, StaffMember::roleName(person.role), pin)
                    << '\n'
                    << AdminCli::tr("It is shown only this once; any lock-out is lifted.") << '\n';
    }
    m_cli.out() << Qt::flush;
    return Ok;
}
